# Replaced by the roster import/export views (helper in progress).
from django.http import HttpResponse


def roster_import(request):
    return HttpResponse()


def roster_export(request):
    return HttpResponse()


def roster_template(request):
    return HttpResponse()
