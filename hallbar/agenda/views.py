"""Placeholder: being written in this session."""
from django.http import Http404


def goal_set_create(request, **kwargs):
    raise Http404


def goal_set_detail(request, **kwargs):
    raise Http404


def goal_set_list(request, **kwargs):
    raise Http404


def indicator_text_edit(request, **kwargs):
    raise Http404


def target_text_edit(request, **kwargs):
    raise Http404


def text_import(request, **kwargs):
    raise Http404

