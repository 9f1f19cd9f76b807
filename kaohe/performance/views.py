# Replaced by the performance input views (helper in progress).
from django.http import HttpResponse


def inputs_home(request):
    return HttpResponse()
