"""The pages: the owner's counter, charges and appeal form on /account; the analysts' appeal
queue and reports with CSV."""

import csv
import io

import pytest
from web.conftest import log_in

from compensation.appeal_support import EXE, PDF, cancel_in_march, charged_unused_id
from compensation.compensation_support import MRP_2026_TIYN, balance_of

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture
def web(client):
    client.headers["Accept"] = HTML
    client.headers["Accept-Language"] = "en"
    return client


def march_account(web):
    return web.get("/account?month=2026-03")


def file_appeal(web, token, unused_id, *, data=PDF, reason="The road was closed"):
    return web.post(
        f"/account/unused/{unused_id}/appeal",
        data={"csrf_token": token, "reason": reason, "month": "2026-03"},
        files={"attachment": ("evidence.pdf", data, "application/pdf")},
    )


def test_the_account_shows_the_counter_and_an_appeal_form_per_charge(web, engine, fleet):
    cancel_in_march(engine, fleet)
    log_in(web, "carrier")
    page = march_account(web)
    assert page.status_code == 200
    assert "11 of 10 unused reservations in this month" in page.text
    # Every one of the month that cost a compensation may be appealed; one is the charge.
    assert page.text.count('class="appeal-row"') == 11
    assert page.text.count("Appeal this charge") == 1
    assert "Appeal this charge" in page.text
    current = web.get("/account")
    assert "0 of 10 unused reservations this month" in current.text


def test_an_owner_appeals_on_the_page_and_an_analyst_accepts(web, engine, fleet):
    cancel_in_march(engine, fleet)
    unused_id = charged_unused_id(engine)
    before = balance_of(engine)
    token = log_in(web, "carrier")
    filed = file_appeal(web, token, unused_id)
    assert filed.status_code == 200 and "Your appeal is sent" in filed.text
    assert "Appeal waiting for a decision" in filed.text
    assert "Appeal this charge" not in filed.text  # one open appeal at a time

    token = log_in(web, "analyst")
    queue = web.get("/analyst/appeals")
    assert "The road was closed" in queue.text and "Open the attachment" in queue.text
    appeal_id = int(queue.text.split('id="appeal-')[1].split('"')[0])
    attachment = web.get(f"/analyst/appeals/{appeal_id}/attachment")
    assert attachment.content == PDF
    no_reason = web.post(
        f"/analyst/appeals/{appeal_id}/decision",
        data={"csrf_token": token, "decision": "accept", "reason": ""},
    )
    assert no_reason.status_code == 422 and "Give a reason." in no_reason.text
    accepted = web.post(
        f"/analyst/appeals/{appeal_id}/decision",
        data={"csrf_token": token, "decision": "accept", "reason": "Closed road confirmed"},
    )
    assert accepted.status_code == 200 and "No open appeals." in accepted.text
    assert balance_of(engine) == before + 100 * MRP_2026_TIYN

    log_in(web, "carrier")
    page = march_account(web)
    assert "10 of 10 unused reservations in this month" in page.text
    assert "Appeal accepted" in page.text and "Refunded" in page.text
    assert "Closed road confirmed" in page.text  # the analyst's reason


def test_a_bad_attachment_is_refused_on_the_page(web, engine, fleet):
    cancel_in_march(engine, fleet)
    token = log_in(web, "carrier")
    refused = file_appeal(web, token, charged_unused_id(engine), data=EXE)
    assert refused.status_code == 422
    assert "The attachment must be a JPEG, PNG or PDF file." in refused.text
    assert "The road was closed" in refused.text  # the reason is kept for another try


def test_analyst_pages_are_for_analysts(web, engine, fleet):
    log_in(web, "carrier")
    assert web.get("/analyst/appeals").status_code == 403
    assert web.get("/analyst/unused").status_code == 403
    assert web.get("/analyst/unused/monthly.csv").status_code == 403


def test_the_reports_page_and_its_csv(web, engine, fleet):
    cancel_in_march(engine, fleet)
    log_in(web, "analyst")
    page = web.get("/analyst/unused")
    assert page.status_code == 200
    assert "Compensation per month" in page.text and "432,500.00" in page.text
    april = web.get("/analyst/unused?month=2026-04")
    assert "Serik Tulegenov" in april.text  # a repeat offender in April (over in March)
    march = web.get("/analyst/unused/over-threshold.csv?month=2026-03")
    assert list(csv.DictReader(io.StringIO(march.text)))[0]["owner"] == "Serik Tulegenov"
    exported = web.get("/analyst/unused/monthly.csv")
    assert exported.headers["content-disposition"].startswith('attachment; filename="kezek-monthly')
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows == [{"month": "2026-03-01", "charges": "1", "refunds": "0", "net_kzt": "432500.00"}]


@pytest.mark.parametrize("lang", ["ru", "kk", "zh"])
def test_the_pages_are_translated(web, engine, fleet, lang):
    cancel_in_march(engine, fleet, count=1)
    log_in(web, "carrier")
    web.cookies.set("kezek_lang", lang)
    page = march_account(web)
    assert "Appeal this charge" not in page.text and "unused reservations" not in page.text


def policy_form(token, **changes):
    form = {
        "csrf_token": token,
        "monthly_threshold": "7",
        "amount_mrp": "100",
        "adaptive_lookback_months": "3",
        "adaptive_divisor": "2",
        "adaptive_floor": "1",
        "deposit_mrp": "20",
        "deposit_forfeit_no_shows": "2",
        "deposit_window_days": "90",
        "charge_mode": "each",
        "adaptive": "on",
    }
    return form | changes


def test_an_admin_adds_a_policy_version_on_the_page(web):
    token = log_in(web, "admin")
    page = web.get("/admin/compensation-policy")
    assert page.status_code == 200 and 'value="10"' in page.text
    saved = web.post("/admin/compensation-policy", data=policy_form(token))
    assert saved.status_code == 200 and "A new version of the compensation policy" in saved.text
    assert 'id="monthly_threshold" name="monthly_threshold" value="7"' in saved.text
    crossing = web.post("/admin/compensation-policy", data=policy_form(token, crossing="NUR_ZHOLY"))
    assert crossing.url.query == b"crossing=NUR_ZHOLY" or "crossing=NUR_ZHOLY" in str(crossing.url)
    past = web.post(
        "/admin/compensation-policy", data=policy_form(token, effective_from="2020-01-01T00:00")
    )
    assert past.status_code == 422 and 'role="alert"' in past.text
    zero = web.post("/admin/compensation-policy", data=policy_form(token, monthly_threshold="0"))
    assert zero.status_code == 422 and 'aria-invalid="true"' in zero.text


def test_the_policy_page_is_for_admins(web):
    log_in(web, "analyst")
    assert web.get("/admin/compensation-policy").status_code == 403


def test_an_appeal_without_a_file_is_filed(web, engine, fleet):
    cancel_in_march(engine, fleet)
    token = log_in(web, "carrier")
    filed = web.post(
        f"/account/unused/{charged_unused_id(engine)}/appeal",
        data={"csrf_token": token, "reason": "No file this time", "month": "2026-03"},
        files={"attachment": ("", b"", "application/octet-stream")},  # an empty file input
    )
    assert filed.status_code == 200 and "Your appeal is sent" in filed.text
