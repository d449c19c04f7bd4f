from django.shortcuts import redirect, render

from hallbar.organisation.models import Organisation


def home(request):
    organisations = list(Organisation.objects.all())
    if len(organisations) == 1:
        return redirect("steering:overview", org_code=organisations[0].code)
    return render(request, "organisation/home.html", {"organisations": organisations})
