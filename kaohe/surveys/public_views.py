# Replaced by the public survey page (helper in progress).
from django.http import HttpResponse


def survey_answer(request, token):
    return HttpResponse()
