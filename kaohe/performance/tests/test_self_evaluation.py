"""A unit liaison's self-evaluation: claimed score, narrative and evidence files, scoped to their own unit."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.performance import actions
from kaohe.performance.models import Evidence, SelfEvaluation
from kaohe.performance.tests.conftest import JPG, PDF, PNG, D, office_file, set_phase, upload
from kaohe.plans.gate import PhaseClosed
from kaohe.plans.models import Phase


def edit_url(w, indicator="economy"):
    return reverse("performance:self_evaluation_edit", args=[2025, w["indicators"][indicator].pk])


def test_liaison_saves_a_self_evaluation_with_evidence_files(world, client_for, settings):
    client = client_for("liaison")
    response = client.post(
        edit_url(world),
        {
            "claimed": "92.5",
            "narrative": "全年完成GDP目标",
            "files": [upload("台账.pdf"), upload("照片.jpg", JPG), upload("图.png", PNG)],
        },
    )
    assert response.status_code == 302
    evaluation = SelfEvaluation.objects.get(
        unit=world["units"]["a"], indicator=world["indicators"]["economy"]
    )
    assert evaluation.claimed == D("92.5")
    assert evaluation.narrative == "全年完成GDP目标"
    assert evaluation.updated_by == world["cast"]["liaison"]
    names = sorted(e.name for e in evaluation.evidence.all())
    assert names == ["台账.pdf", "图.png", "照片.jpg"]
    for evidence in evaluation.evidence.all():
        # Stored through the storage API under a random name, not the uploaded one.
        assert evidence.file.name.startswith("evidence/")
        assert "台账" not in evidence.file.name and "照片" not in evidence.file.name
        assert (Path(settings.MEDIA_ROOT) / evidence.file.name).exists()
    entry = AuditEntry.objects.get(action="self_evaluation.create")
    assert entry.after["claimed"] == "92.5"
    assert sorted(entry.after["evidence"]) == names


def test_the_list_shows_what_is_done(world, client_for):
    actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D(88),
    )
    page = (
        client_for("liaison").get(reverse("performance:self_evaluation_list", args=[2025])).content.decode()
    )
    assert "已自评 1 / 2 项指标" in page
    assert "经济发展" in page and "社会治理" in page
    assert "经济运行" not in page  # another category's indicator


def test_a_second_save_updates_the_same_self_evaluation_and_keeps_the_files(world, client_for):
    client = client_for("liaison")
    client.post(edit_url(world), {"claimed": "80", "files": [upload("a.pdf")]})
    client.post(
        edit_url(world),
        {"claimed": "85", "narrative": "补充", "files": [upload("b.docx", office_file("word/document.xml"))]},
    )
    evaluation = SelfEvaluation.objects.get()
    assert evaluation.claimed == 85
    assert sorted(e.name for e in evaluation.evidence.all()) == ["a.pdf", "b.docx"]
    assert AuditEntry.objects.filter(action="self_evaluation.update").count() == 1


@pytest.mark.parametrize(
    ("claimed", "message"),
    [
        ("105", "「105」超出 0–100"),
        ("-1", "「-1」超出 0–100"),
        ("abc", "「abc」不是数字"),
        ("", "这个字段是必填项"),
    ],
)
def test_a_claimed_score_outside_0_to_100_is_refused(world, client_for, claimed, message):
    response = client_for("liaison").post(edit_url(world), {"claimed": claimed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SelfEvaluation.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "「病毒.exe」的类型不允许上传，只接受 pdf、jpg、png、docx、xlsx 文件"),
        ("伪装.pdf", b"MZ\x90\x00 not a pdf", "「伪装.pdf」的内容与扩展名 .pdf 不符"),
        ("伪装.png", JPG, "「伪装.png」的内容与扩展名 .png 不符"),
        ("伪装.docx", office_file("xl/workbook.xml"), "「伪装.docx」的内容与扩展名 .docx 不符"),
        ("伪装.xlsx", b"PK\x03\x04 broken zip", "「伪装.xlsx」的内容与扩展名 .xlsx 不符"),
        ("空.pdf", b"", "空"),
    ],
)
def test_an_evidence_file_must_be_an_allowed_genuine_type(world, client_for, name, content, message):
    response = client_for("liaison").post(
        edit_url(world), {"claimed": "90", "files": [upload("好.pdf"), upload(name, content)]}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    # Nothing is saved, not even the good file.
    assert not SelfEvaluation.objects.exists()
    assert not Evidence.objects.exists()


def test_an_evidence_file_above_the_size_limit_is_refused(world, client_for, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = PDF + b"0" * 2048
    response = client_for("liaison").post(
        edit_url(world), {"claimed": "90", "files": [upload("大.pdf", big)]}
    )
    assert "「大.pdf」过大" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_default_evidence_limit_is_20_megabytes(settings):
    from kaohe.performance.evidence import max_bytes

    del settings.EVIDENCE_MAX_BYTES
    assert max_bytes() == 20 * 1024 * 1024


def test_xlsx_and_docx_with_their_main_part_are_accepted(world, client_for):
    client_for("liaison").post(
        edit_url(world),
        {
            "claimed": "90",
            "files": [
                upload("表.xlsx", office_file("xl/workbook.xml")),
                upload("文.docx", office_file("word/document.xml")),
            ],
        },
    )
    assert Evidence.objects.count() == 2


def test_a_liaison_cannot_write_another_units_self_evaluation(world):
    # The write function itself refuses an indicator outside the unit's category that year.
    with pytest.raises(ValidationError, match="不属于"):
        actions.self_evaluation_save(
            actor=world["cast"]["liaison"],
            cycle=world["cycle"],
            unit=world["units"]["a"],
            indicator=world["indicators"]["operations"],
            claimed=D(80),
        )
    with pytest.raises(ValidationError, match="不是2025年度考核的参加考核单位"):
        actions.self_evaluation_save(
            actor=world["cast"]["liaison"],
            cycle=world["cycle"],
            unit=world["units"]["d"],
            indicator=world["indicators"]["economy"],
            claimed=D(80),
        )


def test_the_outsider_sees_only_their_own_units_self_evaluation(world, client_for):
    actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D("77"),
        narrative="东城的秘密",
    )
    page = client_for("outsider").get(edit_url(world)).content.decode()
    assert "东城的秘密" not in page and 'value="77"' not in page
    # and posting there writes the outsider's own unit B, never unit A
    client_for("outsider").post(edit_url(world), {"claimed": "60"})
    assert SelfEvaluation.objects.get(unit=world["units"]["b"]).claimed == 60
    assert SelfEvaluation.objects.get(unit=world["units"]["a"]).claimed == 77


def test_a_liaison_whose_unit_is_not_assessed_is_told_so(world, client_for):
    world["cast"]["outsider"].unit = world["units"]["d"]
    world["cast"]["outsider"].save()
    page = (
        client_for("outsider").get(reverse("performance:self_evaluation_list", args=[2025])).content.decode()
    )
    assert "本单位不在2025年度考核的参加考核单位之列" in page


def test_evidence_downloads_as_an_attachment_for_those_who_may_see_it(world, client_for):
    evaluation = actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D(90),
        files=[upload("台账.pdf")],
    )
    evidence = evaluation.evidence.get()
    response = client_for("assessor").get(reverse("performance:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_an_assessor_of_last_years_group_cannot_download_this_years_evidence(world, client_for):
    # The assessor visited unit B in 2024 only; B's 2025 evidence is out of scope.
    evaluation = actions.self_evaluation_save(
        actor=world["cast"]["outsider"],
        cycle=world["cycle"],
        unit=world["units"]["b"],
        indicator=world["indicators"]["economy"],
        claimed=D(90),
        files=[upload("台账.pdf")],
    )
    url = reverse("performance:evidence_download", args=[evaluation.evidence.get().pk])
    assert client_for("assessor").get(url).status_code == 404
    assert client_for("liaison").get(url).status_code == 404
    assert client_for("outsider").get(url).status_code == 200
    assert client_for("organiser").get(url).status_code == 200


def test_media_files_are_not_served_at_a_public_url(world, client_for):
    evaluation = actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D(90),
        files=[upload("台账.pdf")],
    )
    name = evaluation.evidence.get().file.name
    assert client_for("liaison").get(f"/media/{name}").status_code == 404


def test_liaison_deletes_an_evidence_file(world, client_for, settings, django_capture_on_commit_callbacks):
    evaluation = actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D(90),
        files=[upload("台账.pdf")],
    )
    evidence = evaluation.evidence.get()
    path = Path(settings.MEDIA_ROOT) / evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("performance:evidence_delete", args=[evidence.pk])
        assert "不能恢复" in client_for("liaison").post(url).content.decode()
        assert Evidence.objects.exists()  # a POST without the confirmation only asks
        response = client_for("liaison").post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(action="evidence.delete", before__name="台账.pdf").exists()


@pytest.mark.parametrize("phase", [Phase.PUBLIC_NOTICE, Phase.COMPLETED, Phase.PREPARATION])
def test_self_evaluation_is_refused_outside_implementation_and_evaluation(world, client_for, phase):
    evaluation = actions.self_evaluation_save(
        actor=world["cast"]["liaison"],
        cycle=world["cycle"],
        unit=world["units"]["a"],
        indicator=world["indicators"]["economy"],
        claimed=D(90),
        files=[upload("台账.pdf")],
    )
    set_phase(world["cycle"], phase)
    client = client_for("liaison")
    page = client.get(edit_url(world)).content.decode()
    assert "录入" in page and 'id="inputs-closed"' in page
    response = client.post(edit_url(world), {"claimed": "50"})
    assert response.status_code == 200
    expected = "尚在准备阶段" if phase == Phase.PREPARATION else f"已进入{phase.label}阶段，录入已截止"
    assert expected in response.content.decode()
    assert SelfEvaluation.objects.get().claimed == 90
    client.post(
        reverse("performance:evidence_delete", args=[evaluation.evidence.get().pk]), {"confirm": "yes"}
    )
    assert Evidence.objects.count() == 1


def test_a_refused_save_leaves_no_stored_file_behind(world, settings):
    set_phase(world["cycle"], Phase.PUBLIC_NOTICE)
    with pytest.raises(PhaseClosed):
        actions.self_evaluation_save(
            actor=world["cast"]["liaison"],
            cycle=world["cycle"],
            unit=world["units"]["a"],
            indicator=world["indicators"]["economy"],
            claimed=D(90),
            files=[upload("台账.pdf")],
        )
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
