"""The KPI dashboard for store managers (their stores) and the head office (every store side by
side). Thin: the filter form in, the selectors' figures out as a page, charts' data or CSV."""

import csv
import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, tables
from .errors import NpsError, NpsLinkInvalid
from .forms import KpiFilterForm
from .selectors import Period
from .services import nps_answer, nps_survey_for_token


def _csv_value(value, german: bool) -> str:
    """A machine value for a spreadsheet: German files write decimal commas and dd.mm.yyyy,
    English ones decimal points and ISO dates; no thousands separators, no currency sign."""
    if isinstance(value, tuple):
        value = value[1]
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}"
    elif isinstance(value, Decimal):
        text = str(value.quantize(Decimal("0.01")))
    elif isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d.%m.%Y %H:%M") if german else local.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if german else value.isoformat()
    else:
        return str(value)
    return text.replace(".", ",") if german else text


def _csv(table: tables.Table, period: Period) -> HttpResponse:
    """The table as CSV in UTF-8 with a BOM, as the reader's spreadsheet expects it: German
    (Excel-DE) with ";" between cells and decimal commas, English with "," and points; the
    headings in the page's language."""
    german = (translation.get_language() or "").startswith("de")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{table.key}_{period.first.isoformat()}_{period.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response, delimiter=";" if german else ",")
    writer.writerow([heading for heading, _kind in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value, german) for value in row])
    return response


@login_required
@require_safe
def dashboard(request):
    stores = selectors.kpi_stores(user=request.user)
    if not stores.exists():
        raise PermissionDenied(_("The dashboard is for store managers and the head office."))
    form = KpiFilterForm(request.GET or None, stores=stores)
    if request.GET and not form.is_valid():
        return render(request, "insight/dashboard.html", {"form": form}, status=400)
    if not request.GET:
        form.is_valid()
    data = form.cleaned_data
    period = Period(first=data["start"], last=data["end"])
    chosen = [data["store"]] if data.get("store") else list(stores.active().order_by("name"))
    store_ids = [store.pk for store in chosen]
    with selectors.reading():
        now = selectors.kpis(period=period, store_ids=store_ids)
        before = selectors.kpis(period=period.previous(), store_ids=store_ids)
        summary = tables.headline(now, before)
        all_tables = [summary]
        comparison = None
        if len(chosen) > 1:
            comparison = tables.store_comparison(period=period, stores=chosen)
            all_tables.append(comparison)
        details = tables.detail_tables(now)
        all_tables += details
        daily = selectors.daily_revenue(period=period, store_ids=store_ids)
    wanted = request.GET.get("export")
    if wanted:
        for table in all_tables:
            if table.key == wanted:
                return _csv(table, period)
        return HttpResponse(_("No such table."), status=404, content_type="text/plain")
    charts = {
        "daily": {
            "labels": [row["day"].isoformat() for row in daily],
            "online": [float(row["online"]) for row in daily],
            "store": [float(row["store"]) for row in daily],
            "online_label": _("Pickup orders"),
            "store_label": _("Till"),
        },
        "stores": (
            {
                "labels": [row[0] for row in comparison.rows],
                "online": [float(row[2]) for row in comparison.rows],
                "store": [float(row[3]) for row in comparison.rows],
                "online_label": _("Pickup revenue"),
                "store_label": _("Till revenue"),
            }
            if comparison
            else None
        ),
        "tiers": {
            "labels": [row[0] for row in details[3].rows],
            "values": [row[1] for row in details[3].rows],
        },
    }
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "insight/dashboard.html",
        {
            "form": form,
            "period": period,
            "previous": period.previous(),
            "chosen": chosen,
            "summary": summary,
            "comparison": comparison,
            "details": details,
            "charts": charts,
            "query": query.urlencode(),
            "revenue": now["customers"]["revenue"] or Decimal(0),
        },
    )


@require_http_methods(["GET", "POST"])
def nps(request, token):
    """The survey page of a signed link: GET shows it (the e-mail's score chosen), POST answers.

    No login: the link is the shopper's. Opening a link records nothing, so a mail scanner that
    follows every link cannot answer for the shopper."""
    try:
        survey = nps_survey_for_token(token)
    except NpsLinkInvalid as error:
        raise Http404(str(error)) from None
    try:
        chosen = int(request.GET.get("score", ""))
    except ValueError:
        chosen = None
    context = {"survey": survey, "scores": range(11), "chosen": chosen, "comment": ""}
    if request.method == "POST":
        raw = request.POST.get("score", "")
        comment = request.POST.get("comment", "")
        try:
            survey = nps_answer(
                survey=survey, score=int(raw) if raw.isdigit() else -1, comment=comment
            )
        except NpsError as error:
            context |= {"error": str(error), "comment": comment[:1000]}
            return render(request, "insight/nps.html", context, status=error.http_status)
        return redirect("insight:nps", token=token)
    return render(request, "insight/nps.html", context)
