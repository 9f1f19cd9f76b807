"""The principal's own items (抓班子带队伍、执行民主集中制、发挥表率作用): asked on the built-in 主要负责人测评票,
counted per cadre under the k rule, shown on the review page and in the dossier, and in the reports' data."""

from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.ballots.models import Ballot, BallotItemAnswer, BallotTemplate, EvaluationSession, SessionStatus
from kaohe.ballots.selectors import cadre_principal_items, principal_item_tallies
from kaohe.ballots.templates_seed import BUILTIN, CADRE_ASPECTS, PRINCIPAL_ITEMS, PRINCIPAL_TEMPLATE
from kaohe.ballots.tests.conftest import seed_templates
from kaohe.reports.selectors import draft_inputs
from kaohe.results import actions
from kaohe.results.dossier import cadre_dossier
from kaohe.results.tests.sealed_data import sealed_world

GB001_CHOICES = {
    "抓班子带队伍": ["好", "好", "较好"],
    "执行民主集中制": ["好", "一般", "好"],
    "发挥表率作用": ["好"] * 3,
}


def principal_session(cycle, roster, *, status=SessionStatus.CLOSED, name="主要负责人测评"):
    """A closed session of the built-in form: three ballots on 张思佳 (GB001), two on 王建国 (GB003)."""
    seed_templates()
    template = BallotTemplate.objects.get(name=PRINCIPAL_TEMPLATE)
    session = EvaluationSession.objects.create(cycle=cycle, name=name, status=status)
    a1, b1 = roster["cadres"]["a1"], roster["cadres"]["b1"]
    for n in range(3):
        ballot = Ballot.objects.create(session=session, number=f"P{n}", rater_group="下级")
        for item, choices in GB001_CHOICES.items():
            BallotItemAnswer.objects.create(
                ballot=ballot, cadre=a1, template=template, item=item, choice=choices[n]
            )
        BallotItemAnswer.objects.create(ballot=ballot, cadre=a1, template=template, item="德", choice="好")
        if n < 2:
            for item in PRINCIPAL_ITEMS:
                BallotItemAnswer.objects.create(
                    ballot=ballot, cadre=b1, template=template, item=item, choice="好"
                )
    return session


def test_the_built_in_form_asks_the_five_aspects_and_the_principals_items():
    [seed] = [t for t in BUILTIN if t["name"] == PRINCIPAL_TEMPLATE]
    assert seed["kind"] == "cadre"
    assert [i["name"] for i in seed["items"]] == [
        *CADRE_ASPECTS,
        "抓班子带队伍",
        "执行民主集中制",
        "发挥表率作用",
    ]


def test_the_migration_seeded_the_form(db):
    template = BallotTemplate.objects.get(name=PRINCIPAL_TEMPLATE)
    assert template.builtin and template.kind == "cadre" and len(template.items) == 8


def test_counted_per_cadre_under_k(world, roster, settings):
    settings.MIN_GROUP_SIZE = 3
    principal_session(world, roster)
    found = principal_item_tallies(world)
    assert set(found) == {"GB001", "GB003"}
    texts = [t.text for t in found["GB001"]]
    assert texts == [
        "抓班子带队伍：好 66.7%（3 票）",
        "执行民主集中制：好 66.7%（3 票）",
        "发挥表率作用：好 100.0%（3 票）",
    ]
    assert found["GB001"][1].counts == {"好": 2, "较好": 0, "一般": 1, "差": 0}
    # Two ballots on 王建国: under k, no figure at all.
    assert [(t.item, t.counts, t.total) for t in found["GB003"]] == [
        (item, None, None) for item in PRINCIPAL_ITEMS
    ]
    settings.MIN_GROUP_SIZE = 2
    assert principal_item_tallies(world)["GB003"][0].text == "抓班子带队伍：好 100.0%（2 票）"


def test_void_and_rehearsal_sessions_do_not_count(world, roster):
    principal_session(world, roster, status=SessionStatus.VOID)
    rehearsal = principal_session(world, roster, name="演练")
    EvaluationSession.objects.filter(pk=rehearsal.pk).update(rehearsal=True)
    assert principal_item_tallies(world) == {}


def test_the_review_page_shows_them_beside_the_cadre(world, roster, client_for):
    principal_session(world, roster)
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    url = reverse("results:review", args=[2025])
    page = client_for("committee").get(url, {"pool": "cadre:全部"}).content.decode()
    assert "主要负责人专项：抓班子带队伍：好 66.7%（3 票）" in page
    assert "执行民主集中制：不足最少人数，不显示" in page  # 王建国's, under k
    assert "主要负责人专项" not in client_for("committee").get(url, {"pool": "team:全部"}).content.decode()


def test_the_dossier_keeps_them_by_year(world, cast, roster, client_for):
    principal_session(world, roster)
    sealed_world(world, cast, roster)
    [year] = [y for y in cadre_dossier(roster["cadres"]["a1"]).years if y.year == 2025]
    assert [t.text for t in year.principal][2] == "发挥表率作用：好 100.0%（3 票）"
    assert cadre_dossier(roster["cadres"]["a2"]).years[0].principal == []
    page = client_for("organiser").get(reverse("results:cadre_dossier", args=[roster["cadres"]["a1"].pk]))
    assert "主要负责人专项：抓班子带队伍：好 66.7%（3 票）" in page.content.decode()
    assert cadre_principal_items(roster["cadres"]["a1"].pk).keys() == {2025}


def test_the_reports_data_carries_them_under_k(world, roster):
    principal_session(world, roster)
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    drafts = draft_inputs(world, "cadre")
    aspects = {a.name: a for a in drafts[roster["cadres"]["a1"].pk].aspects}
    assert aspects["抓班子带队伍"].counts["好"] == 2 and aspects["抓班子带队伍"].ballots == 3
    assert not [a for a in drafts[roster["cadres"]["b1"].pk].aspects if a.name in PRINCIPAL_ITEMS]
