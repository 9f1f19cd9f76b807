"""The one table of who may do what: every page (by URL name) and every API operation ("METHOD /path"),
with the roles that may use it. kaohe/tests/test_role_matrix.py asks each of them as every role and as
nobody, and expects the answer written here:

- a role named in the row passes the role's gate: a page that names only the cast's 2025 cycle (or
  nothing) opens, 200 or a redirect elsewhere; with an object that does not exist, or through the API, any
  answer but 401, 403 or the login page (a missing or out-of-scope object, a 404, is each app's tests');
- a signed-in role not named gets 403;
- nobody signed in is sent to the login page (a page) or gets 401 (the API), unless the row is PUBLIC.

The API's own pages, the schema (/api/openapi.json) and the docs (/api/docs), are for every signed-in
account and are checked in kaohe/tests/test_openapi.py.

A row is a string of role values ("organiser committee leader") or a ``Rule``. A new page or operation
fails that test until its row is here; the views keep their own ``access.role_required(...)``, which the
test holds to the same roles. Scopes (which unit, which group) are the selectors' (access.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaohe.accounts.models import Role

ALL_ROLES = tuple(Role.values)


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]
    public: bool = False  # open without signing in too (the ballot and survey pages, the login page)
    answer: str | None = None  # the one answer every allowed caller gets, when it depends on no data
    note: str = ""


PUBLIC = Rule(roles=ALL_ROLES, public=True)
SIGNED_IN = Rule(roles=ALL_ROLES)


def rule(row: Rule | str) -> Rule:
    if isinstance(row, Rule):
        return row
    roles = tuple(row.split())
    unknown = [role for role in roles if role not in ALL_ROLES]
    if unknown:
        raise ValueError(f"{row!r}: no role {unknown}")
    return Rule(roles=roles)


PAGES: dict[str, Rule | str] = {
    # ballot_public
    "ballot_public:entry": PUBLIC,
    "ballot_public:receipt": PUBLIC,
    "ballot_public:ballot": PUBLIC,
    # the project
    "home": SIGNED_IN,
    "login": PUBLIC,
    # accounts
    "accounts:user_list": "sysadmin",
    "accounts:user_create": "sysadmin",
    "accounts:user_edit": "sysadmin",
    "accounts:user_set_active": "sysadmin",
    "accounts:user_password": "sysadmin",
    "accounts:password_change": SIGNED_IN,
    "accounts:otp_verify": SIGNED_IN,
    "accounts:otp_setup": SIGNED_IN,
    "accounts:security_list": "secadmin",
    "accounts:user_set_role": "secadmin",
    "accounts:login_unlock": "secadmin",
    "accounts:second_factor_reset": "secadmin",
    "accounts:admin_set_active": "secadmin",
    "accounts:token_list": "organiser",
    "accounts:token_revoke": "organiser",
    "accounts:security_tokens": "secadmin",
    "accounts:security_token_revoke": "secadmin",
    "accounts:logout": Rule(
        roles=ALL_ROLES, public=True, answer="login", note="POST; back to the login page"
    ),
    # org
    "org:unit_list": "organiser committee assessor clerk liaison leader",
    "org:unit_create": "organiser",
    "org:unit_detail": "organiser committee assessor clerk liaison leader",
    "org:unit_edit": "organiser",
    "org:cadre_list": "organiser committee assessor liaison leader",
    "org:cadre_create": "organiser",
    "org:cadre_detail": "organiser committee assessor liaison leader cadre",
    "org:cadre_edit": "organiser",
    "org:cadre_move": "organiser",
    "org:position_edit": "organiser",
    "org:category_list": "organiser",
    "org:category_create": "organiser",
    "org:category_edit": "organiser",
    "org:roster_import": "organiser",
    "org:roster_export": "organiser",
    "org:roster_template": "organiser",
    # audit
    "audit:entry_list": "auditadmin",
    "audit:entry_export": "auditadmin",
    "audit:chain_verify": "auditadmin",
    # plans
    "plans:cycle_list": "organiser committee leader",
    "plans:calendar": "organiser committee leader",
    "plans:calendar_day_delete": "organiser",
    "plans:calendar_export": "organiser committee leader",
    "plans:cycle_create": "organiser",
    "plans:cycle_detail": "organiser committee leader",
    "plans:cycle_edit": "organiser",
    "plans:cycle_advance": "organiser",
    "plans:plan_detail": "organiser committee leader",
    "plans:plan_edit": "organiser",
    "plans:unit_list": "organiser committee leader",
    "plans:participants_enrol": "organiser",
    "plans:unit_mark": "organiser",
    "plans:unit_remove": "organiser",
    "plans:cadre_list": "organiser committee leader",
    "plans:cadre_edit": "organiser",
    "plans:cadre_remove": "organiser",
    "plans:indicator_list": "organiser committee leader",
    "plans:indicator_create": "organiser",
    "plans:indicator_edit": "organiser",
    "plans:indicator_delete": "organiser",
    "plans:indicator_import": "organiser",
    "plans:indicator_export": "organiser committee leader",
    "plans:target_grid": "organiser committee leader",
    "plans:target_edit": "organiser",
    "plans:target_import": "organiser",
    "plans:target_export": "organiser committee leader",
    "plans:group_list": "organiser committee leader",
    "plans:group_create": "organiser",
    "plans:group_edit": "organiser",
    "plans:group_delete": "organiser",
    # cycle_workbook
    "cycle_workbook:import": "organiser",
    "cycle_workbook:export": "organiser",
    # performance
    "performance:inputs_home": "organiser assessor clerk liaison leader",
    "performance:evidence_download": "organiser assessor liaison",
    "performance:evidence_delete": "liaison",
    "performance:self_evaluation_list": "liaison",
    "performance:self_evaluation_edit": "liaison",
    "performance:score_grid": "clerk",
    "performance:score_sheet": "clerk",
    "performance:score_upload": "clerk",
    "performance:verification_list": "assessor",
    "performance:verification_unit": "assessor",
    "performance:verification_set": "assessor",
    "performance:rating_list": "leader",
    "performance:rating_edit": "leader",
    "performance:adjustment_list": "organiser",
    "performance:adjustment_create": "organiser",
    "performance:adjustment_decide": "organiser",
    "performance:adjustment_evidence": "organiser",
    "performance:veto_list": "organiser",
    "performance:veto_create": "organiser",
    "performance:veto_delete": "organiser",
    "performance:veto_evidence": "organiser",
    "performance:sanction_list": "organiser",
    "performance:sanction_create": "organiser",
    "performance:sanction_delete": "organiser",
    "performance:progress": "organiser assessor clerk",
    "performance:progress_chase": "organiser assessor clerk",
    # surveys
    "surveys:survey_list": "organiser",
    "surveys:survey_create": "organiser",
    "surveys:survey_bulk_create": "organiser",
    "surveys:survey_detail": "organiser",
    "surveys:survey_edit": "organiser",
    "surveys:survey_toggle": "organiser",
    "surveys:survey_delete": "organiser",
    "surveys:code_generate": "organiser",
    "surveys:codes_pdf": "organiser",
    "surveys:codes_xlsx": "organiser",
    # results
    "results:home": "organiser committee leader",
    "results:compute": "organiser",
    "results:compare": "organiser committee leader",
    "results:review": "organiser committee leader",
    "results:notice": "organiser committee leader",
    "results:objection_create": "organiser",
    "results:objection_handle": "organiser",
    "results:decision_withdraw": "organiser committee",
    "results:export": "organiser committee",
    "results:quota_approve": "organiser committee",
    "results:finalise": "organiser",
    "results:void": "organiser",
    "results:result_detail": "organiser committee leader",
    "results:decide": "organiser committee",
    "results:result_explanation": "organiser committee leader",
    "results:feedback_mine": "liaison cadre",
    "results:feedback_confirm": "liaison cadre",
    "results:feedback_list": "organiser",
    "results:approval_sheet_index": "organiser committee",
    "results:approval_sheet": "organiser committee",
    "results:approval_sheet_docx": "organiser committee",
    "results:cadre_dossier": "organiser committee assessor leader cadre",
    "results:team_dossier": "organiser committee assessor liaison leader",
    "results:preview": "organiser",
    "results:clearance": "organiser committee",
    "results:clearance_required": "organiser",
    "results:clearance_send": "organiser",
    "results:clearance_resolve": "organiser committee",
    "results:clearance_inbox": "discipline",
    "results:clearance_answer": "discipline",
    # reports
    "reports:home": "organiser committee assessor cadre",
    "reports:list": "organiser committee assessor",
    "reports:draft": "organiser assessor",
    "reports:detail": "organiser committee assessor",
    "reports:save": "assessor",
    "reports:submit": "assessor",
    "reports:review": "organiser",
    "reports:download": "organiser committee assessor",
    "reports:cycle": "organiser committee",
    "reports:templates": "organiser",
    "reports:template_download": "organiser",
    "reports:template_upload": "organiser",
    "reports:template_preview": "organiser",
    "reports:template_reset": "organiser",
    "reports:register_mine": "cadre",
    "reports:register_list": "organiser",
    "reports:register_download": "organiser",
    "reports:registers_file": "organiser",
    # feedback
    "feedback:home": "organiser committee assessor liaison leader cadre",
    "feedback:letter_list": "organiser committee assessor",
    "feedback:letters_prepare": "organiser",
    "feedback:letter_detail": "organiser committee assessor leader cadre",
    "feedback:letter_download": "organiser committee assessor leader cadre",
    "feedback:letter_send": "organiser",
    "feedback:letter_talk": "organiser assessor",
    "feedback:rectification_list": "organiser committee assessor liaison cadre",
    "feedback:rectification_detail": "organiser committee assessor liaison cadre",
    "feedback:rectification_update": "liaison cadre",
    "feedback:rectification_verify": "organiser assessor",
    "feedback:rectification_file": "organiser committee assessor liaison cadre",
    "feedback:ledger": "organiser committee",
    "feedback:ledger_record": "organiser",
    # integrity
    "integrity:cycle": "organiser committee",
    "integrity:analyse": "organiser committee",
    "integrity:review": "organiser committee",
    # interviews
    "interviews:latest": "organiser committee assessor leader",
    "interviews:index": "organiser committee assessor leader",
    "interviews:settings": "organiser",
    "interviews:pledge": "organiser assessor",
    "interviews:export": "organiser",
    "interviews:unit": "organiser assessor",
    "interviews:unit_prepare": "organiser assessor",
    "interviews:interviewee_add": "organiser assessor",
    "interviews:blank_form": "organiser assessor",
    "interviews:summary": "organiser committee assessor leader",
    "interviews:excuse": "organiser assessor",
    "interviews:remove": "organiser assessor",
    "interviews:outline": "organiser assessor",
    "interviews:outline_docx": "organiser assessor",
    "interviews:record": "organiser assessor",
    # profiles
    "profiles:cadre": "organiser committee assessor leader cadre",
    "profiles:cadre_timeline": "organiser committee assessor leader cadre",
    "profiles:team": "organiser committee assessor leader",
    "profiles:team_timeline": "organiser committee assessor leader",
    "profiles:comparison": "organiser committee leader",
    "profiles:category_comparison": "organiser committee leader",
    # survey_public
    "survey_public:answer": PUBLIC,
    "survey_public:thanks": PUBLIC,
    # ballots
    "ballots:session_list": "organiser",
    "ballots:session_create": "organiser",
    "ballots:session_detail": "organiser",
    "ballots:session_edit": "organiser",
    "ballots:codes_generate": "organiser",
    "ballots:session_key": "organiser",
    "ballots:session_open": "organiser",
    "ballots:session_close": "organiser",
    "ballots:session_seal": "organiser",
    "ballots:session_purge": "organiser",
    "ballots:session_void": "organiser",
    "ballots:session_tally": "organiser",
    "ballots:template_list": "organiser",
    "ballots:template_copy": "organiser",
    "ballots:template_edit": "organiser",
    "ballots:paper_home": Rule(roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"),
    "ballots:paper_resolve": "organiser",
    "ballots:paper_commit": "organiser",
    "ballots:paper_discard": "organiser",
    "ballots:paper_import": "organiser",
    "ballots:paper_entry": Rule(
        roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"
    ),
    "ballots:paper_entry_delete": Rule(
        roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"
    ),
    "ballots:live_list": "organiser assessor",
    "ballots:live_turnout": "organiser assessor",
    # jobs
    "jobs:detail": SIGNED_IN,
    # records
    "records:home": "organiser committee assessor liaison leader cadre",
    "records:my_month": "liaison cadre",
    "records:unit_month": "organiser committee assessor leader",
    "records:item_verify": "organiser assessor",
    "records:item_delete": "liaison cadre",
    "records:evidence_download": "organiser committee assessor liaison leader cadre",
    "records:visit_list": "organiser committee assessor leader",
    "records:grade_list": "organiser committee assessor leader",
    "records:my_grades": "cadre",
    "records:cadre_grades": "organiser committee assessor leader",
    "records:items_import": "organiser liaison",
    "records:items_export": "organiser committee assessor liaison leader cadre",
    "records:items_template": "organiser committee assessor liaison leader cadre",
    # fieldwork
    "fieldwork:home": "organiser assessor",
    "fieldwork:progress": "organiser assessor",
    "fieldwork:setting": "organiser",
    "fieldwork:open": "organiser",
    "fieldwork:visit": "organiser assessor",
    "fieldwork:visit_schedule": "organiser assessor",
    "fieldwork:visit_mark": "organiser assessor",
    "fieldwork:visit_assign": "organiser assessor",
    "fieldwork:group": "organiser assessor",
    "fieldwork:conflicts": "assessor",
    "fieldwork:export": "organiser assessor",
    "fieldwork:template": "organiser",
    "fieldwork:import": "organiser",
    # the project
    "set_language": PUBLIC,
    "favicon": PUBLIC,
}

API: dict[str, Rule | str] = {
    # /api/org/
    "GET /api/org/categories": "organiser committee assessor clerk liaison leader",
    "GET /api/org/units": "organiser committee assessor clerk liaison leader",
    "POST /api/org/units": "organiser",
    "GET /api/org/units/{unit_id}": "organiser committee assessor clerk liaison leader",
    "PATCH /api/org/units/{unit_id}": "organiser",
    "GET /api/org/cadres": "organiser committee assessor liaison leader",
    "POST /api/org/cadres": "organiser",
    "GET /api/org/cadres/{cadre_id}": "organiser committee assessor liaison leader cadre",
    "PATCH /api/org/cadres/{cadre_id}": "organiser",
    "POST /api/org/cadres/{cadre_id}/move": "organiser",
    # /api/accounts/
    "GET /api/accounts/users": "sysadmin",
    "GET /api/accounts/me": SIGNED_IN,
    # /api/cycles/
    "GET /api/cycles/": "organiser committee leader",
    "GET /api/cycles/{year}": "organiser committee leader",
    "GET /api/cycles/{year}/indicators": "organiser committee leader",
    # i11p: the cycle and its plan written through the API (plans/api.py, cycle_workbook/api.py, jobs/api.py)
    "POST /api/cycles/": "organiser",
    "PATCH /api/cycles/{year}": "organiser",
    "POST /api/cycles/{year}/advance": "organiser",
    "GET /api/cycles/{year}/plan": "organiser committee leader",
    "PATCH /api/cycles/{year}/plan": "organiser",
    "GET /api/cycles/{year}/units": "organiser committee leader",
    "POST /api/cycles/{year}/units": "organiser",
    "PATCH /api/cycles/{year}/units/{item_id}": "organiser",
    "DELETE /api/cycles/{year}/units/{item_id}": "organiser",
    "GET /api/cycles/{year}/cadres": "organiser committee leader",
    "PATCH /api/cycles/{year}/cadres/{item_id}": "organiser",
    "DELETE /api/cycles/{year}/cadres/{item_id}": "organiser",
    "POST /api/cycles/{year}/indicators": "organiser",
    "PATCH /api/cycles/{year}/indicators/{indicator_id}": "organiser",
    "DELETE /api/cycles/{year}/indicators/{indicator_id}": "organiser",
    "POST /api/cycles/{year}/indicators/import": "organiser",
    "GET /api/cycles/{year}/indicators/export": "organiser committee leader",
    "GET /api/cycles/{year}/targets": "organiser committee leader",
    "PUT /api/cycles/{year}/targets/{unit_code}/{indicator_code}": "organiser",
    "DELETE /api/cycles/{year}/targets/{unit_code}/{indicator_code}": "organiser",
    "POST /api/cycles/{year}/targets/import": "organiser",
    "GET /api/cycles/{year}/targets/export": "organiser committee leader",
    "GET /api/cycles/{year}/groups": "organiser committee leader",
    "POST /api/cycles/{year}/groups": "organiser",
    "PATCH /api/cycles/{year}/groups/{group_id}": "organiser",
    "DELETE /api/cycles/{year}/groups/{group_id}": "organiser",
    "GET /api/cycles/calendar/days": "organiser committee leader",
    "POST /api/cycles/calendar/days": "organiser",
    "DELETE /api/cycles/calendar/days/{day_id}": "organiser",
    "POST /api/cycles/calendar/import": "organiser",
    "GET /api/cycles/calendar/export": "organiser committee leader",
    "POST /api/cycles/workbook": "organiser",
    "GET /api/cycles/{year}/workbook": "organiser",
    "GET /api/jobs/{job_id}": SIGNED_IN,
    # /api/results/
    "GET /api/results/{year}/runs": "organiser committee leader",
    "GET /api/results/{year}/pools": "organiser committee leader",
    "GET /api/results/{year}/pools/{kind}/{pool}": "organiser committee leader",
    "GET /api/results/{year}/clearance": "organiser committee",
    "POST /api/results/{year}/clearance": "organiser",
    "POST /api/results/{year}/clearance/{pk}/resolve": "organiser committee",
    "GET /api/results/clearance/requests": "discipline",
    "POST /api/results/clearance/requests/{pk}/answer": "discipline",
    # /api/results/: the decide stage (i11r)
    "POST /api/results/{year}/runs": "organiser",
    "GET /api/results/{year}/runs/{version}/document": "organiser committee",
    "GET /api/results/{year}/runs/{version}/workbook": "organiser committee",
    "GET /api/results/{year}/compare": "organiser committee leader",
    "POST /api/results/{year}/runs/{version}/decisions": "organiser committee",
    "GET /api/results/{year}/decisions": "organiser committee leader",
    "POST /api/results/{year}/decisions/{pk}/withdraw": "organiser committee",
    "POST /api/results/{year}/runs/{version}/quota-approvals": "organiser committee",
    "GET /api/results/{year}/notices": "organiser committee leader",
    "POST /api/results/{year}/notices": "organiser",
    "POST /api/results/{year}/notices/{pk}/objections": "organiser",
    "POST /api/results/{year}/objections/{pk}/handle": "organiser",
    "GET /api/results/{year}/finalisation": "organiser committee leader",
    "POST /api/results/{year}/runs/{version}/finalise": "organiser",
    "GET /api/results/{year}/final": "organiser committee leader",
    "GET /api/results/{year}/voids": "organiser committee leader",
    "POST /api/results/{year}/runs/{version}/void": "organiser",
    "GET /api/results/{year}/approval-sheets/{unit_id}/docx": "organiser committee",
    "GET /api/results/mine": "liaison cadre",
    "POST /api/results/mine/{final_id}/confirm": "liaison cadre",
    "GET /api/results/{year}/acknowledgements": "organiser",
    # /api/records/
    "GET /api/records/{year}/items": "organiser committee assessor liaison leader cadre",
    "POST /api/records/{year}/items": "liaison cadre",
    "POST /api/records/{year}/items/{item_id}/verify": "organiser assessor",
    "POST /api/records/{year}/items/import": "organiser liaison",
    "GET /api/records/{year}/gaps": "organiser committee assessor leader",
    "GET /api/records/{year}/visits": "organiser committee assessor liaison leader cadre",
    "POST /api/records/{year}/visits": "organiser assessor",
    "GET /api/records/{year}/grades": "organiser committee assessor liaison leader cadre",
    "PUT /api/records/{year}/grades/{cadre_code}": Rule(
        roles=("assessor",),
        note="the plan's grader (RecordsRule): the assessors of the cadre's unit by default, else the organiser",
    ),
    "GET /api/records/{year}/regular/{cadre_code}": "organiser committee assessor leader",
    "PUT /api/records/{year}/regular/{cadre_code}": "organiser",
    # /api/reports/
    "GET /api/reports/{year}/": "organiser committee assessor",
    "GET /api/reports/{year}/{pk}": "organiser committee assessor",
    "PUT /api/reports/{year}/{pk}/sections": "assessor",
    "POST /api/reports/{year}/{pk}/submit": "assessor",
    "POST /api/reports/{year}/{pk}/review": "organiser",
    "GET /api/reports/{year}/{pk}/docx": "organiser committee assessor",
    "GET /api/reports/{year}/cycle/docx": "organiser committee",
    "GET /api/reports/{year}/register/{cadre_code}/docx": "organiser",
    "POST /api/reports/{year}/draft": "organiser",
    "GET /api/reports/templates/{kind}/docx": "organiser",
    "POST /api/reports/templates/{kind}": "organiser",
    "PUT /api/reports/{year}/register/mine": "cadre",
    # /api/feedback/
    "GET /api/feedback/{year}/letters": "organiser committee assessor leader cadre",
    "POST /api/feedback/{year}/letters/prepare": "organiser",
    "GET /api/feedback/{year}/letters/{pk}": "organiser committee assessor leader cadre",
    "GET /api/feedback/{year}/letters/{pk}/docx": "organiser committee assessor leader cadre",
    "POST /api/feedback/{year}/letters/{pk}/send": "organiser",
    "POST /api/feedback/{year}/letters/{pk}/talk": "organiser assessor",
    "GET /api/feedback/rectifications": "organiser committee assessor liaison cadre",
    "GET /api/feedback/rectifications/{pk}": "organiser committee assessor liaison cadre",
    "POST /api/feedback/rectifications/{pk}": "liaison cadre",
    "POST /api/feedback/rectifications/{pk}/verify": "organiser assessor",
    "GET /api/feedback/{year}/actions": "organiser committee",
    "POST /api/feedback/{year}/actions": "organiser",
    "GET /api/feedback/{year}/actions/unhandled": "organiser committee",
    # /api/integrity/
    "GET /api/integrity/{year}": "organiser committee",
    "POST /api/integrity/{year}/analyse": "organiser committee",
    "POST /api/integrity/{year}/reviews": "organiser committee",
    # /api/interviews/
    "GET /api/interviews/{year}/units": "organiser committee assessor leader",
    "GET /api/interviews/{year}/units/{unit_id}": "organiser assessor",
    "POST /api/interviews/{year}/units/{unit_id}/prepare": "organiser assessor",
    "POST /api/interviews/{year}/units/{unit_id}/people": "organiser assessor",
    "POST /api/interviews/{year}/people/{person_id}/excuse": "organiser assessor",
    "GET /api/interviews/{year}/pledge": "organiser assessor",
    "POST /api/interviews/{year}/pledge": "organiser assessor",
    "GET /api/interviews/{year}/people/{person_id}/outline": "organiser assessor",
    "PUT /api/interviews/{year}/people/{person_id}/outline": "organiser assessor",
    "GET /api/interviews/{year}/people/{person_id}/record": "organiser assessor",
    "PUT /api/interviews/{year}/people/{person_id}/record": "organiser assessor",
    "GET /api/interviews/{year}/units/{unit_id}/summary": "organiser committee assessor leader",
    "POST /api/interviews/{year}/export": "organiser",
    # /api/fieldwork/
    "GET /api/fieldwork/{year}/progress": "organiser assessor",
    "GET /api/fieldwork/{year}/visits/{pk}": "organiser assessor",
    "PUT /api/fieldwork/{year}/visits/{pk}/schedule": "organiser assessor",
    "POST /api/fieldwork/{year}/visits/{pk}/mark": "organiser assessor",
    "POST /api/fieldwork/{year}/visits/{pk}/assign": "organiser assessor",
    "POST /api/fieldwork/{year}/conflicts": "assessor",
    # /api/profiles/
    "GET /api/profiles/cadres/{pk}": "organiser committee assessor leader cadre",
    "GET /api/profiles/teams/{pk}": "organiser committee assessor leader",
    "GET /api/profiles/cadres/{pk}/timeline": "organiser committee assessor leader cadre",
    "GET /api/profiles/teams/{pk}/timeline": "organiser committee assessor leader",
    "GET /api/profiles/compare/{category}/{year}": "organiser committee leader",
    # /api/performance/ and /api/surveys/ (i11i: the cycle's inputs and the public surveys)
    "GET /api/performance/evidence/{pk}": "organiser assessor liaison",
    "DELETE /api/performance/evidence/{pk}": "liaison",
    "GET /api/performance/{year}/self-evaluations": "liaison",
    "POST /api/performance/{year}/self-evaluations/{indicator_code}": "liaison",
    "GET /api/performance/{year}/scores": "clerk",
    "PUT /api/performance/{year}/scores": "clerk",
    "GET /api/performance/{year}/scores/sheet": "clerk",
    "POST /api/performance/{year}/scores/sheet": "clerk",
    "GET /api/performance/{year}/verifications": "assessor",
    "GET /api/performance/{year}/verifications/{unit_code}": "assessor",
    "PUT /api/performance/{year}/verifications/{unit_code}/{indicator_code}": "assessor",
    "GET /api/performance/{year}/ratings": "leader",
    "PUT /api/performance/{year}/ratings/{unit_code}": "leader",
    "GET /api/performance/{year}/adjustments": "organiser",
    "POST /api/performance/{year}/adjustments": "organiser",
    "POST /api/performance/{year}/adjustments/{pk}/decide": "organiser",
    "GET /api/performance/{year}/adjustments/{pk}/evidence": "organiser",
    "GET /api/performance/{year}/vetoes": "organiser",
    "POST /api/performance/{year}/vetoes": "organiser",
    "DELETE /api/performance/{year}/vetoes/{pk}": "organiser",
    "GET /api/performance/{year}/vetoes/{pk}/evidence": "organiser",
    "GET /api/performance/{year}/sanctions": "organiser",
    "POST /api/performance/{year}/sanctions": "organiser",
    "DELETE /api/performance/{year}/sanctions/{pk}": "organiser",
    "GET /api/performance/{year}/progress": "organiser assessor clerk",
    "GET /api/performance/{year}/progress/chase": "organiser assessor clerk",
    "GET /api/surveys/{year}": "organiser",
    "POST /api/surveys/{year}": "organiser",
    "POST /api/surveys/{year}/bulk": "organiser",
    "GET /api/surveys/{year}/{pk}": "organiser",
    "PUT /api/surveys/{year}/{pk}": "organiser",
    "DELETE /api/surveys/{year}/{pk}": "organiser",
    "POST /api/surveys/{year}/{pk}/open": "organiser",
    "POST /api/surveys/{year}/{pk}/close": "organiser",
    "POST /api/surveys/{year}/{pk}/codes": "organiser",
    "GET /api/surveys/{year}/{pk}/codes": "organiser",
    "GET /api/surveys/{year}/{pk}/codes/pdf": "organiser",
    "GET /api/surveys/{year}/{pk}/codes/xlsx": "organiser",
    # /api/ballots/ (i11b2): democratic evaluation, as the ballots pages; typists as ballots:paper_entry
    "GET /api/ballots/templates": "organiser",
    "GET /api/ballots/templates/{pk}": "organiser",
    "POST /api/ballots/templates/{pk}/copy": "organiser",
    "PUT /api/ballots/templates/{pk}": "organiser",
    "GET /api/ballots/{year}/sessions": "organiser",
    "POST /api/ballots/{year}/sessions": "organiser",
    "GET /api/ballots/{year}/sessions/{pk}": "organiser",
    "PUT /api/ballots/{year}/sessions/{pk}": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/key": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/codes": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/open": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/close": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/seal": "organiser",
    "GET /api/ballots/{year}/sessions/{pk}/seal": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/purge": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/void": "organiser",
    "GET /api/ballots/{year}/sessions/{pk}/tally": "organiser",
    "GET /api/ballots/{year}/turnout": "organiser assessor",
    "GET /api/ballots/{year}/sessions/{pk}/turnout": "organiser assessor",
    "GET /api/ballots/{year}/sessions/{pk}/paper": Rule(
        roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"
    ),
    "POST /api/ballots/{year}/sessions/{pk}/paper/{slot}/entries": Rule(
        roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"
    ),
    "PUT /api/ballots/{year}/sessions/{pk}/paper/{slot}/entries": Rule(
        roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"
    ),
    "POST /api/ballots/{year}/sessions/{pk}/paper/{slot}/entries/delete": Rule(
        roles=("organiser",), note="and whoever holds access.PAPER_TYPIST_PERMISSION"
    ),
    "GET /api/ballots/{year}/sessions/{pk}/paper/conflicts": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/paper/resolve": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/paper/commit": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/paper/discard": "organiser",
    "POST /api/ballots/{year}/sessions/{pk}/paper/import": "organiser",
}


def allowed_roles(row: Rule | str) -> frozenset[str]:
    return frozenset(rule(row).roles)


def scope_is_within(scope: str, creator: str) -> list[str]:
    """The pages and operations a token of role ``scope`` would open that its creator's role does not."""
    return [
        name
        for table in (PAGES, API)
        for name, row in table.items()
        if scope in allowed_roles(row) and creator not in allowed_roles(row)
    ]
