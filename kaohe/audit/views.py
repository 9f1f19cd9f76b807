# Replaced by the audit log views (helper in progress).
from django.http import HttpResponse


def entry_list(request):
    return HttpResponse()
