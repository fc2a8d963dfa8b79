"""The "why not" answer: only with the NIK and the KK number of the same household, and then
each program's unmet condition in words."""

import pytest

from .conftest import CAPTCHA_OK

pytestmark = pytest.mark.django_db


def ask(client, nik, kk):
    return client.post("/cekbansos/mengapa/", {"nik": nik, "kk_number": kk} | CAPTCHA_OK)


def test_the_nik_alone_or_a_wrong_kk_gets_no_answer(client, citizen, captcha_test_mode):
    wrong_kk = ask(client, citizen.nik, "3201010101999999").content.decode()
    assert 'id="why-none"' in wrong_kk and 'id="why-answer"' not in wrong_kk
    no_kk = ask(client, citizen.nik, "")
    assert no_kk.status_code == 400 and 'id="why-answer"' not in no_kk.content.decode()
    another_households_kk = ask(client, "3201011001760099", citizen.kk).content.decode()
    assert 'id="why-none"' in another_households_kk


def test_nik_and_kk_together_explain_each_program_in_words(client, citizen, captcha_test_mode):
    page = ask(client, citizen.nik, citizen.kk).content.decode()
    assert 'id="why-answer"' in page
    assert "W*****I L*****I" in page
    assert "Sembako" in page and "PKH" in page
    # A program the household is not in says which condition was not met.
    assert "Tidak terpenuhi" in page or "Dikecualikan" in page or "Belum dapat dinilai" in page
    assert citizen.nik not in page and citizen.kk not in page


def test_the_answer_uses_the_programs_explanation(citizen):
    from portal.whynot import why_not
    from programs.explain import clause_lines, explain_household

    answer = why_not(citizen.nik, citizen.kk, "id")
    by_program = {a.program: a for a in answer.programs}
    for item in explain_household(citizen.household):
        unit = item.units[0]
        if unit.decision.reason:
            against = next(r for r in unit.decision.clauses
                           if r.clause.id == unit.decision.reason)
            assert clause_lines(against, "id")["text"] in by_program[item.program.name].text


def test_why_not_needs_the_captcha(client, citizen):
    response = client.post("/cekbansos/mengapa/", {"nik": citizen.nik, "kk_number": citizen.kk})
    assert response.status_code == 400 and 'id="why-answer"' not in response.content.decode()
