# Replaced by the survey management views (helper in progress).
from django.http import HttpResponse


def survey_list(request, year):
    return HttpResponse()
