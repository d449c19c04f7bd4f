from ninja import NinjaAPI

api = NinjaAPI(
    title="Hållbar API",
    version="1",
    description="Read API of Hållbar: Agenda 2030 reference data and organisations' decided goals and actions.",
    urls_namespace="api",
)
