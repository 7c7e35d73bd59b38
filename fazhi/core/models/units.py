"""Units (单位) as a tree with a materialised path, and memberships with a role."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from ..history import history
from ..roles import Role


class UnitKind(models.TextChoices):
    COUNTY = "county", "县(区)"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    DEVELOPMENT_ZONE = "development_zone", "开发区"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    DEPARTMENT = "department", "部门"


TOWNSHIP_KINDS = frozenset({UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.DEVELOPMENT_ZONE})
VILLAGE_KINDS = frozenset({UnitKind.VILLAGE, UnitKind.COMMUNITY})

ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    UnitKind.COUNTY: frozenset(),
    UnitKind.TOWNSHIP: frozenset({UnitKind.COUNTY}),
    UnitKind.SUBDISTRICT: frozenset({UnitKind.COUNTY}),
    UnitKind.DEVELOPMENT_ZONE: frozenset({UnitKind.COUNTY}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.COUNTY} | TOWNSHIP_KINDS),
    UnitKind.VILLAGE: TOWNSHIP_KINDS,
    UnitKind.COMMUNITY: TOWNSHIP_KINDS,
}


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it: one indexed prefix query, whatever the depth."""
        return self.filter(path__startswith=unit.path)

    def townships(self) -> UnitQuerySet:
        return self.filter(kind__in=TOWNSHIP_KINDS)

    def villages(self) -> UnitQuerySet:
        return self.filter(kind__in=VILLAGE_KINDS)

    def by_ref(self, ref: str) -> Unit:
        """A unit by its administrative code or its exact name (as the CLI takes UNIT)."""
        ref = (ref or "").strip()
        unit = self.filter(code=ref).first()
        if unit is not None:
            return unit
        matches = list(self.filter(name=ref)[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise Unit.DoesNotExist(f"单位名称“{ref}”不唯一，请使用单位代码")
        raise Unit.DoesNotExist(f"找不到单位“{ref}”（请使用单位代码或完整名称）")


class Unit(models.Model):
    code = models.CharField("单位代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/0000012/0000045/0000301/": zero-padded ids from the root down; subtree = path prefix.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    remote = models.BooleanField("偏远村", default=False)
    active = models.BooleanField("启用", default=True)

    objects = UnitQuerySet.as_manager()
    history = history(excluded_fields=["path", "depth"])

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "path"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk:07d}/"
            if new_path == old_path:
                return
            self.path, self.depth = new_path, new_path.count("/") - 2
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                # A move: rewrite the descendants' paths (units are few; ledgers hold only FKs).
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    path = new_path + child.path[len(old_path) :]
                    Unit.objects.filter(pk=child.pk).update(path=path, depth=path.count("/") - 2)

    def clean(self) -> None:
        allowed = ALLOWED_PARENTS.get(self.kind, frozenset())
        if self.parent is None and self.kind != UnitKind.COUNTY:
            raise ValidationError({"parent": "除县(区)外，单位必须有上级单位"})
        if self.parent is not None:
            if self.parent.kind not in allowed:
                raise ValidationError(
                    {
                        "parent": f"{self.get_kind_display()}不能设在{self.parent.get_kind_display()}之下"
                    }
                )
            if self.pk and self.parent.path.startswith(self.path or "\0"):
                raise ValidationError({"parent": "上级单位不能是自身或其下级"})

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def ancestors(self) -> UnitQuerySet:
        return Unit.objects.filter(pk__in=self.ancestor_ids()[:-1])

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    @property
    def is_township(self) -> bool:
        return self.kind in TOWNSHIP_KINDS

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS

    def township(self) -> Unit | None:
        """The township (or subdistrict, zone) this unit is in, or is."""
        if self.is_township:
            return self
        return Unit.objects.filter(pk__in=self.ancestor_ids(), kind__in=TOWNSHIP_KINDS).first()

    def county(self) -> Unit | None:
        return Unit.objects.filter(pk__in=self.ancestor_ids(), kind=UnitKind.COUNTY).first()


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="用户",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="单位"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    title = models.CharField("职务", max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = history()

    class Meta:
        verbose_name = verbose_name_plural = "成员"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}（{self.get_role_display()}）"
