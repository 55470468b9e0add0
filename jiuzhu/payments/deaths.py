"""A recorded death (R9, S6): the person's own enrolments stop from the month after death, what
was paid for the person after the death month becomes a recovery, and the household's other
enrolments still in force are re-checked within 3 months.

Recording the same death again changes nothing: stopped enrolments are skipped, lines already
in a recovery for the person are not taken twice, and an open death review is not doubled."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.month import Month, format_date_cn
from jiuzhu.registry.models import Person

from .models import Enrolment, Recovery, Review
from .recoveries import lines_not_recovered, open_from_lines, paid_lines_for_person
from .reviews import add_months, schedule_review
from .services import enrolment_stop

DEATH_REVIEW_MONTHS = 3  # S6: the household is re-checked within 3 months


def _own_enrolments(person: Person):
    """Enrolments that cover only this person: single-person ones, or a one-member household's."""
    return Enrolment.objects.filter(
        Q(person_id=person.pk)
        | Q(person__isnull=True, household_id=person.household_id, members__lte=1)
    )


def _in_force_from(enrolment: Enrolment, month: str) -> bool:
    return enrolment.status != Enrolment.Status.STOPPED and (
        not enrolment.end_month or enrolment.end_month >= month
    )


def person_mark_dead(*, actor, person: Person, died_on: date, source: str, today: date) -> bool:
    """Mark a locked `person` dead on `died_on` (from `source`) and audit it; True when this
    marked it, False when the same death was already recorded. The caller has checked the
    actor's permission and jurisdiction and holds the person's row lock."""
    if not source.strip():
        raise ValidationFailed("请填写死亡信息的来源")
    if died_on > today:
        raise ValidationFailed("死亡日期不能晚于今天")
    if died_on < person.birth_date:
        raise ValidationFailed("死亡日期不能早于出生日期")
    if person.died_on is not None and person.died_on != died_on:
        raise ValidationFailed(f"该人员已登记死亡日期{format_date_cn(person.died_on)}")
    if person.died_on is not None:
        return False
    person.died_on = died_on
    person.save(update_fields=["died_on"])
    audit.record(
        action="person.death",
        actor=actor,
        obj=person,
        household_id=person.household_id,
        old={"died_on": None},
        new={"died_on": died_on},
        reason=source,
    )
    return True


@transaction.atomic
def death_record(
    *, actor, person_id: int, died_on: date, source: str, today: date | None = None
) -> dict:
    """Record `person_id`'s death on `died_on` (from `source`, e.g. 公安户籍注销). Returns what
    was done: {"stopped": [enrolment ids], "recovery": id or None, "reviews": [review ids]}."""
    require(actor, Perm.CHANGE_ENROLMENTS, message="您没有办理停发的权限")
    require(actor, Perm.MANAGE_RECOVERIES, message="您没有登记追回的权限")
    today = today or timezone.localdate()
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("household")
        .filter(region_q(actor, prefix="household__"), pk=person_id)
        .first()
    )
    if person is None:
        raise Http404("没有找到该人员")
    person_mark_dead(actor=actor, person=person, died_on=died_on, source=source, today=today)
    death_month = Month.of(died_on)
    first_unpaid = str(death_month.next())
    label = f"死亡登记：{person.name}于{format_date_cn(died_on)}死亡（{source.strip()}）"
    stopped = []
    for enrolment in _own_enrolments(person).order_by("id"):
        if _in_force_from(enrolment, first_unpaid):
            enrolment_stop(
                actor=actor,
                enrolment_id=enrolment.pk,
                effective_month=first_unpaid,
                reason=label,
                source=f"死亡登记#{person.pk}",
            )
            stopped.append(enrolment.pk)
    recovery = _death_recovery(actor, person, str(death_month), label)
    reviews = _death_reviews(person, stopped, today)
    return {"stopped": stopped, "recovery": recovery.pk if recovery else None, "reviews": reviews}


def _death_recovery(actor, person: Person, death_month: str, label: str) -> Recovery | None:
    lines = list(
        lines_not_recovered(
            paid_lines_for_person(person=person, after_month=death_month), person_id=person.pk
        )
    )
    if not lines:
        return None
    own = [line for line in lines if line.enrolment.person_id == person.pk]
    return open_from_lines(
        opened_by=actor,
        household=person.household,
        cause=Recovery.Cause.DEATH,
        lines=lines,
        enrolment=(own or lines)[0].enrolment,
        person_id=person.pk,
        source=f"死亡登记#{person.pk}",
        note=f"{label}；死亡次月起已发放的金额",
    )


def _death_reviews(person: Person, stopped: list[int], today: date) -> list[int]:
    """A death review (S6), due within 3 months, for each other enrolment of the household
    still in force."""
    month, due_on = str(Month.of(today)), add_months(today, DEATH_REVIEW_MONTHS)
    others = Enrolment.objects.filter(household_id=person.household_id).exclude(pk__in=stopped)
    created = []
    for enrolment in others.exclude(person_id=person.pk):
        if not _in_force_from(enrolment, month):
            continue
        review = schedule_review(enrolment, reason=Review.Reason.DEATH, due_on=due_on)
        if review is not None:
            created.append(review.pk)
    return created
