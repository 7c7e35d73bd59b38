"""Publicity pages: thin views (parse → authorise → call the service → render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core import attachments, pii, scoping
from fazhi.core.errors import DomainError
from fazhi.core.excel import export_response
from fazhi.core.params import query
from fazhi.core.roles import Perm
from fazhi.learning.common import paginate
from fazhi.web.mechanisms import BY_KEY
from fazhi.web.switcher import current_unit, current_year
from fazhi.web.views import _history_page

from . import importers, services
from .forms import DutyForm, EventForm, LiaisonForm, ModelVillageForm, TrainingForm
from .models import (
    LegalLiaison,
    LiaisonTraining,
    ModelLevel,
    ModelVillage,
    PlaceKind,
    PublicityDuty,
    PublicityEvent,
    Theme,
)

MECHANISM = BY_KEY["publicity"]


def _base(request, **extra) -> dict:
    unit = current_unit(request)
    ctx = {
        "mechanism": MECHANISM,
        "unit": unit,
        "year": current_year(request),
        "can_change": unit is not None and scoping.can(request.user, Perm.CHANGE, unit),
        "can_export": scoping.has_perm_anywhere(request.user, Perm.EXPORT),
    }
    ctx.update(extra)
    return ctx


def _in_unit(qs, request):
    unit = current_unit(request)
    qs = qs.visible_to(request.user)
    return qs.in_subtree(unit) if unit is not None else qs.none()


def _export(request, title: str, headers, rows):
    if not scoping.has_perm_anywhere(request.user, Perm.EXPORT):
        raise PermissionDenied("您的角色无权导出台账")
    return export_response(request, title, headers, rows, unit=current_unit(request))


def _form_page(request, *, form, title: str, save, done, tab: str):
    """Render ``form``; on a valid POST call ``save(cleaned_data)`` and redirect to ``done(obj)``."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(dict(form.cleaned_data))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect(done(obj))
    return render(
        request,
        "learning/form.html",
        _base(request, form=form, title=title, tab=tab, app="publicity"),
    )


def _changeable(request, model, pk: int):
    obj = scoping.get_visible_or_404(model.objects.all(), request.user, pk=pk)
    if not scoping.can(request.user, Perm.CHANGE, obj):
        raise PermissionDenied("您无权修改该记录")
    return obj


# --------------------------------------------------------------------------- landing
@login_required
def index(request):
    ctx = _base(request)
    unit, year = ctx["unit"], ctx["year"]
    ctx["themed_days"] = services.themed_days(timezone.localdate())[:6]
    if unit is not None:
        held = set(
            _in_unit(PublicityEvent.objects.filter(date__year=year), request).values_list(
                "theme", flat=True
            )
        )
        ctx.update(
            summary=services.event_summary(unit, year),
            held_themes=held,
            no_liaison=list(services.villages_without_liaison(unit)[:50]),
            no_model=list(services.villages_without_model(unit)[:50]),
            models=services.model_summary(unit),
            duties=list(services.duty_fulfilment(unit, year)),
            recent=_in_unit(PublicityEvent.objects.all(), request).select_related("unit")[:6],
        )
    return render(request, "publicity/index.html", ctx)


# --------------------------------------------------------------------------- events
def _events(request):
    qs = _in_unit(PublicityEvent.objects.filter(date__year=current_year(request)), request)
    p = query(request)
    theme = p.choice("theme", Theme.values)
    if theme:
        qs = qs.filter(theme=theme)
    place = p.choice("place_kind", PlaceKind.values)
    if place:
        qs = qs.filter(place_kind=place)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(title__contains=q)
            | Q(partners__contains=q)
            | Q(place__contains=q)
            | Q(laws__contains=q)
        )
    orders = {"date": ("date", "pk"), "audience": ("-audience", "-date")}
    order = orders.get(p.choice("order", orders), ("-date", "-pk"))
    return qs.select_related("unit", "duty").order_by(*order)


@login_required
def event_list(request):
    return render(
        request,
        "publicity/event_list.html",
        _base(
            request,
            page=paginate(request, _events(request)),
            themes=Theme.choices,
            places=PlaceKind.choices,
            tab="events",
        ),
    )


EVENT_HEADERS = [
    "日期",
    "单位",
    "活动名称",
    "主题",
    "形式",
    "地点",
    "联合单位",
    "宣传的法律法规",
    "受众人数",
    "发放材料",
    "现场咨询",
    "履行的普法责任",
]


@login_required
def event_export(request):
    rows = [
        [
            e.date,
            e.unit.name,
            e.title,
            e.theme_label,
            e.get_place_kind_display(),
            e.place,
            e.partners,
            e.laws,
            e.audience,
            e.materials,
            e.consultations,
            e.duty.body if e.duty else "",
        ]
        for e in _events(request).visible_to(request.user, Perm.EXPORT)
    ]
    return _export(request, "普法宣传活动台账", EVENT_HEADERS, rows)


def _event_initial(request, unit) -> dict:
    """Prefill from a themed day on the landing page (?theme=…&date=…)."""
    initial = {"unit": unit, "date": timezone.localdate()}
    p = query(request)
    theme = p.choice("theme", Theme.values)
    if theme:
        initial["theme"] = theme
    initial["date"] = p.date("date", initial["date"])
    return initial


@login_required
def event_create(request):
    ctx_unit = current_unit(request)
    form = EventForm(
        request.POST or None,
        user=request.user,
        with_unit=True,
        initial=_event_initial(request, ctx_unit),
    )

    def save(data):
        unit = data.pop("unit")
        return services.create_event(unit, data, actor=request.user)

    return _form_page(
        request,
        form=form,
        title="登记普法活动",
        save=save,
        done=lambda e: reverse("publicity:event_detail", args=[e.pk]),
        tab="events",
    )


@login_required
def event_edit(request, pk: int):
    event = _changeable(request, PublicityEvent, pk)
    form = EventForm(
        request.POST or None, user=request.user, instance=PublicityEvent.objects.get(pk=pk)
    )
    return _form_page(
        request,
        form=form,
        title=f"修改普法活动：{event.title}",
        save=lambda data: services.update_event(event, data, actor=request.user),
        done=lambda e: reverse("publicity:event_detail", args=[e.pk]),
        tab="events",
    )


@login_required
def event_detail(request, pk: int):
    event = scoping.get_visible_or_404(
        PublicityEvent.objects.select_related("unit", "duty", "created_by"), request.user, pk=pk
    )
    return render(
        request,
        "publicity/event_detail.html",
        _base(
            request,
            event=event,
            files=attachments.for_object(event),
            ct=ContentType.objects.get_for_model(event).pk,
            can_edit=scoping.can(request.user, Perm.CHANGE, event),
            tab="events",
        ),
    )


@login_required
def event_history(request, pk: int):
    event = scoping.get_visible_or_404(PublicityEvent.objects.all(), request.user, pk=pk)
    return _history_page(request, event, event.history.all())


@login_required
@require_POST
def event_import(request):
    unit = current_unit(request)
    if unit is None or not scoping.can(request.user, Perm.CHANGE, unit):
        raise PermissionDenied("您无权在当前单位导入普法活动")
    upload = request.FILES.get("file")
    back = reverse("publicity:event_list")
    if upload is None:
        messages.error(request, "请选择要导入的文件")
        return redirect(back)
    try:
        n = importers.import_events(unit, upload.read(), upload.name, actor=request.user)
    except importers.ImportFailed as exc:
        return render(
            request,
            "learning/import_errors.html",
            _base(request, errors=exc.errors, back=back),
            status=400,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已导入普法活动 {n} 次")
    return redirect(back)


# --------------------------------------------------------------------------- duties
@login_required
def duty_list(request):
    unit, year = current_unit(request), current_year(request)
    duties = []
    if unit is not None:
        duties = services.duty_fulfilment(unit, year).filter(
            pk__in=PublicityDuty.objects.visible_to(request.user).values("pk")
        )
    return render(request, "publicity/duty_list.html", _base(request, duties=duties, tab="duties"))


@login_required
def duty_create(request):
    form = DutyForm(
        request.POST or None,
        user=request.user,
        with_unit=True,
        initial={"unit": current_unit(request), "year": current_year(request)},
    )

    def save(data):
        unit = data.pop("unit")
        return services.save_duty(None, unit, data, actor=request.user)

    return _form_page(
        request,
        form=form,
        title="登记普法责任（谁执法谁普法）",
        save=save,
        done=lambda d: reverse("publicity:duty_list"),
        tab="duties",
    )


@login_required
def duty_edit(request, pk: int):
    duty = _changeable(request, PublicityDuty, pk)
    form = DutyForm(
        request.POST or None, user=request.user, instance=PublicityDuty.objects.get(pk=pk)
    )
    return _form_page(
        request,
        form=form,
        title=f"修改普法责任：{duty.body}",
        save=lambda data: services.save_duty(duty, None, data, actor=request.user),
        done=lambda d: reverse("publicity:duty_list"),
        tab="duties",
    )


@login_required
def duty_history(request, pk: int):
    duty = scoping.get_visible_or_404(PublicityDuty.objects.all(), request.user, pk=pk)
    return _history_page(request, duty, duty.history.all())


# --------------------------------------------------------------------------- liaisons
def _liaisons(request):
    qs = _in_unit(LegalLiaison.objects.all(), request).select_related("unit")
    if not query(request).flag("inactive"):
        qs = qs.filter(active=True)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(unit__name__contains=q))
    year = current_year(request)
    return qs.annotate(
        trained=Count("trainings", filter=Q(trainings__date__year=year), distinct=True)
    ).order_by("unit__path", "name")


@login_required
def liaison_list(request):
    unit, year = current_unit(request), current_year(request)
    qs = _liaisons(request)
    if query(request).flag("untrained"):
        qs = qs.filter(trained=0)
    coverage = services.liaison_coverage(unit, year) if unit is not None else []
    return render(
        request,
        "publicity/liaison_list.html",
        _base(
            request,
            page=paginate(request, qs),
            coverage=coverage,
            gaps=sum(1 for c in coverage if not c["liaisons"]),
            trainings=_in_unit(LiaisonTraining.objects.filter(date__year=year), request)
            .annotate(n=Count("liaisons"))
            .select_related("unit")[:20],
            tab="liaisons",
        ),
    )


@login_required
def liaison_export(request):
    rows = [
        [
            item.unit.name,
            item.name,
            pii.mask_mobile(item.phone),
            item.occupation,
            item.appointed_on,
            "是" if item.active else "否",
            item.trained,
        ]
        for item in _liaisons(request).visible_to(request.user, Perm.EXPORT)
    ]
    headers = [
        "村(社区)",
        "姓名",
        "手机号码",
        "身份",
        "聘任日期",
        "在册",
        f"{current_year(request)}年培训次数",
    ]
    return _export(request, "法律明白人台账", headers, rows)


@login_required
def liaison_create(request):
    form = LiaisonForm(request.POST or None, user=request.user, with_unit=True)

    def save(data):
        unit = data.pop("unit")
        return services.save_liaison(None, unit, data, actor=request.user)

    return _form_page(
        request,
        form=form,
        title="登记法律明白人",
        save=save,
        done=lambda o: reverse("publicity:liaison_detail", args=[o.pk]),
        tab="liaisons",
    )


@login_required
def liaison_edit(request, pk: int):
    liaison = _changeable(request, LegalLiaison, pk)
    form = LiaisonForm(
        request.POST or None,
        user=request.user,
        instance=LegalLiaison.objects.get(pk=pk),
        viewer=request.user,
        unit=liaison.unit,
    )
    return _form_page(
        request,
        form=form,
        title=f"修改法律明白人：{liaison.name}",
        save=lambda data: services.save_liaison(liaison, None, data, actor=request.user),
        done=lambda o: reverse("publicity:liaison_detail", args=[o.pk]),
        tab="liaisons",
    )


@login_required
def liaison_detail(request, pk: int):
    liaison = scoping.get_visible_or_404(
        LegalLiaison.objects.select_related("unit"), request.user, pk=pk
    )
    revealed = None
    if request.method == "POST" and request.POST.get("reveal") == "phone":
        revealed = pii.reveal(request.user, liaison, "phone", liaison.phone)
        if revealed is None:
            messages.error(request, "您的角色无权查看完整手机号码")
    return render(
        request,
        "publicity/liaison_detail.html",
        _base(
            request,
            liaison=liaison,
            phone=revealed or pii.mask_mobile(liaison.phone),
            may_reveal=bool(liaison.phone) and pii.may_reveal(request.user, liaison.unit),
            trainings=liaison.trainings.order_by("-date"),
            can_edit=scoping.can(request.user, Perm.CHANGE, liaison),
            tab="liaisons",
        ),
    )


@login_required
def liaison_history(request, pk: int):
    liaison = scoping.get_visible_or_404(LegalLiaison.objects.all(), request.user, pk=pk)
    return _history_page(request, liaison, liaison.history.all())


@login_required
def training_create(request):
    form = TrainingForm(
        request.POST or None,
        user=request.user,
        with_unit=True,
        initial={"unit": current_unit(request), "date": timezone.localdate()},
    )

    def save(data):
        unit = data.pop("unit")
        people = data.pop("liaisons")
        return services.save_training(None, unit, data, [p.pk for p in people], actor=request.user)

    return _form_page(
        request,
        form=form,
        title="登记法律明白人培训",
        save=save,
        done=lambda o: reverse("publicity:training_detail", args=[o.pk]),
        tab="liaisons",
    )


@login_required
def training_edit(request, pk: int):
    training = _changeable(request, LiaisonTraining, pk)
    instance = LiaisonTraining.objects.get(pk=pk)
    form = TrainingForm(
        request.POST or None,
        user=request.user,
        instance=instance,
        initial={"liaisons": list(instance.liaisons.all())},
    )

    def save(data):
        people = data.pop("liaisons")
        return services.save_training(
            training, None, data, [p.pk for p in people], actor=request.user
        )

    return _form_page(
        request,
        form=form,
        title=f"修改培训：{training.topic}",
        save=save,
        done=lambda o: reverse("publicity:training_detail", args=[o.pk]),
        tab="liaisons",
    )


@login_required
def training_detail(request, pk: int):
    training = scoping.get_visible_or_404(
        LiaisonTraining.objects.select_related("unit"), request.user, pk=pk
    )
    return render(
        request,
        "publicity/training_detail.html",
        _base(
            request,
            training=training,
            people=training.liaisons.select_related("unit").order_by("unit__path", "name"),
            can_edit=scoping.can(request.user, Perm.CHANGE, training),
            history=training.history.select_related("history_user").order_by("-history_date")[:20],
            tab="liaisons",
        ),
    )


# --------------------------------------------------------------------------- model villages
def _models(request):
    qs = _in_unit(ModelVillage.objects.all(), request).select_related("unit")
    level = query(request).choice("level", ModelLevel.values)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-year", "unit__path")


@login_required
def model_list(request):
    unit = current_unit(request)
    return render(
        request,
        "publicity/model_list.html",
        _base(
            request,
            page=paginate(request, _models(request)),
            levels=ModelLevel.choices,
            without=list(services.villages_without_model(unit)) if unit else [],
            models=services.model_summary(unit) if unit else None,
            tab="models",
        ),
    )


@login_required
def model_export(request):
    rows = [
        [
            m.unit.name,
            m.get_kind_display(),
            m.get_level_display(),
            m.year,
            m.awarded_by,
            m.document_no,
        ]
        for m in _models(request).visible_to(request.user, Perm.EXPORT)
    ]
    headers = ["村(社区)", "称号", "级别", "命名年度", "命名单位", "命名文号"]
    return _export(request, "民主法治示范村(社区)台账", headers, rows)


@login_required
def model_create(request):
    form = ModelVillageForm(
        request.POST or None,
        user=request.user,
        with_unit=True,
        initial={"year": current_year(request)},
    )

    def save(data):
        unit = data.pop("unit")
        return services.save_model_village(None, unit, data, actor=request.user)

    return _form_page(
        request,
        form=form,
        title="登记民主法治示范村(社区)",
        save=save,
        done=lambda o: reverse("publicity:model_list"),
        tab="models",
    )


@login_required
def model_edit(request, pk: int):
    obj = _changeable(request, ModelVillage, pk)
    form = ModelVillageForm(
        request.POST or None, user=request.user, instance=ModelVillage.objects.get(pk=pk)
    )
    return _form_page(
        request,
        form=form,
        title=f"修改：{obj}",
        save=lambda data: services.save_model_village(obj, None, data, actor=request.user),
        done=lambda o: reverse("publicity:model_list"),
        tab="models",
    )


@login_required
def model_history(request, pk: int):
    obj = scoping.get_visible_or_404(ModelVillage.objects.all(), request.user, pk=pk)
    return _history_page(request, obj, obj.history.all())
