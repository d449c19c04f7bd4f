"""Placeholder: being written in this session."""
from django.http import Http404


def action_create(request, **kwargs):
    raise Http404


def action_detail(request, **kwargs):
    raise Http404


def action_edit(request, **kwargs):
    raise Http404


def action_list(request, **kwargs):
    raise Http404


def document_create(request, **kwargs):
    raise Http404


def document_detail(request, **kwargs):
    raise Http404


def document_edit(request, **kwargs):
    raise Http404


def document_list(request, **kwargs):
    raise Http404


def goal_create(request, **kwargs):
    raise Http404


def goal_detail(request, **kwargs):
    raise Http404


def goal_edit(request, **kwargs):
    raise Http404


def goal_list(request, **kwargs):
    raise Http404


def overview(request, **kwargs):
    raise Http404


def target_detail(request, **kwargs):
    raise Http404

