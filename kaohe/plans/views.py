# Replaced by the cycle views (helper in progress).
from django.http import HttpResponse


def cycle_list(request):
    return HttpResponse()
