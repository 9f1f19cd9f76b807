# Replaced by the roster views (helper in progress).
from django.http import HttpResponse


def unit_list(request):
    return HttpResponse()


def cadre_list(request):
    return HttpResponse()
