"""A tenant's own settings: overrides of the service's defaults (``app.settings``) for
that tenant alone. Unknown names and bad values are refused (BAD_USER_INPUT)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.errors import BadUserInput
from app.settings import check_retention_days


class TenantSettings(BaseModel):
    """Every field is optional: unset, the service's setting of the same name applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_reads_per_second: float | None = Field(default=None, gt=0)
    rate_reads_burst: int | None = Field(default=None, gt=0)
    rate_writes_per_second: float | None = Field(default=None, gt=0)
    rate_writes_burst: int | None = Field(default=None, gt=0)
    rate_connections_per_minute: float | None = Field(default=None, gt=0)
    max_connections_per_key: int | None = Field(default=None, gt=0)
    # Windows set here override the service's retention_days; the others keep it.
    retention_days: dict[str, int] | None = None
    academic_year_start_month: int | None = Field(default=None, ge=1, le=12)

    @field_validator("retention_days", mode="after")
    @classmethod
    def _retention(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        if value is None:
            return None
        check_retention_days(value)
        return value or None


def parse_settings(values: dict[str, Any]) -> TenantSettings:
    try:
        return TenantSettings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise BadUserInput(f"Invalid tenant settings: {problems}.", field="settings") from None
