"""``PaymentIssued`` schema_version 2: the one payment contract of every paying service (资金发放).

Version 1 (:class:`minzheng_contracts.assistance.PaymentIssued`) allows only assistance and disaster as
producers and lists only their programmes. Version 2 has the same fields; any paying service publishes
it on ``<producer>.payment.issued`` and its programme list adds the veterans (优抚) and eldercare (养老)
programmes. :func:`minzheng_contracts.upcasting.to_latest` reads a v1 message as v2.

Assistance and disaster keep publishing v1 (decided): every v1 message is a v2 message once upcast,
so their consumers need not change, and a consumer that reads v2 reads theirs through the upcaster.
The veterans and eldercare services publish v2 (v1 refuses them as producers and their programmes).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from minzheng_contracts.assistance import PaymentIssuedData, PaymentProgramme
from minzheng_contracts.envelope import IntegrationEvent

__all__ = ["PAYING_SERVICES", "PaymentIssuedV2", "PaymentIssuedV2Data", "PaymentProgrammeV2"]

#: The services that pay money (资金发放): every one may publish ``PaymentIssued`` v2.
PAYING_SERVICES: frozenset[str] = frozenset({"assistance", "disaster", "veterans", "eldercare"})


class PaymentProgrammeV2(StrEnum):
    """Programme of a payment, v2: v1's (assistance, disaster) plus veterans and eldercare.

    Veterans (优抚, 军人抚恤优待条例 2024): a pension per category (定期抚恤金/补助), the conscript
    family allowance (义务兵家庭优待金), the death one-offs (丧葬补助费, 一次性抚恤金) and the one-off
    aid (医疗补助, 节日慰问, 困难帮扶). Eldercare (养老服务): the old-age allowance (高龄津贴), the
    accident insurance premium (老年人意外伤害保险), the institution operating subsidy (养老机构运营补贴)
    and the home-care centre construction, operating and meal subsidies (居家养老服务中心建设/运营/助餐补贴).
    """

    DIBAO_URBAN = PaymentProgramme.DIBAO_URBAN.value
    DIBAO_RURAL = PaymentProgramme.DIBAO_RURAL.value
    TEKUN = PaymentProgramme.TEKUN.value
    TEMPORARY_AID = PaymentProgramme.TEMPORARY_AID.value
    MEDICAL_AID = PaymentProgramme.MEDICAL_AID.value
    DISASTER_RELIEF = PaymentProgramme.DISASTER_RELIEF.value
    # veterans (优抚): the pension of each category
    PENSION_DISABLED = "veterans_pension_disabled"  # 残疾抚恤金
    PENSION_SURVIVOR = "veterans_pension_survivor"  # 烈属/因公/病故军人遗属定期抚恤金
    PENSION_SANHONG = "veterans_pension_sanhong"  # 三红 定期生活补助
    PENSION_DEMOBILISED = "veterans_pension_demobilised"  # 在乡复员军人定期定量补助
    PENSION_RETURNED_ILL = "veterans_pension_returned_ill"  # 带病回乡退伍军人补助
    PENSION_COMBAT_TEST = "veterans_pension_combat_test"  # 参战参试退役人员补助
    PENSION_RURAL_ELDERLY = "veterans_pension_rural_elderly"  # 农村籍60周岁以上退役士兵老年生活补助
    PENSION_MARTYR_CHILD = "veterans_pension_martyr_child"  # 烈士老年子女定期生活补助
    CONSCRIPT_FAMILY_ALLOWANCE = "veterans_conscript_family_allowance"  # 义务兵家庭优待金
    FUNERAL_SUBSIDY = "veterans_funeral_subsidy"  # 丧葬补助费
    ONE_OFF_PENSION = "veterans_one_off_pension"  # 一次性抚恤金
    MEDICAL_SUBSIDY = "veterans_medical_subsidy"  # 医疗补助 (门诊/住院)
    HOLIDAY_VISIT = "veterans_holiday_visit"  # 节日慰问
    HARDSHIP_AID = "veterans_hardship_aid"  # 困难帮扶
    # eldercare (养老服务)
    OLD_AGE_ALLOWANCE = "eldercare_old_age_allowance"  # 高龄津贴
    ACCIDENT_INSURANCE_PREMIUM = "eldercare_accident_insurance_premium"  # 老年人意外伤害保险
    INSTITUTION_OPERATING_SUBSIDY = "eldercare_institution_operating_subsidy"  # 养老机构运营补贴
    HOME_CARE_CONSTRUCTION_SUBSIDY = "eldercare_home_care_construction_subsidy"  # 居家养老中心建设补贴
    HOME_CARE_OPERATING_SUBSIDY = "eldercare_home_care_operating_subsidy"  # 居家养老中心运营补贴
    HOME_CARE_MEAL_SUBSIDY = "eldercare_home_care_meal_subsidy"  # 助餐补贴


class PaymentIssuedV2Data(PaymentIssuedData):
    """A payment (资金发放) by any paying service, to a household and/or a person: v1's fields and
    rules, the programme from the v2 list.

    At least one of ``household_id`` and ``beneficiary`` is set.
    """

    # a wider enum than v1's: v2 data is not v1 data (no v1 consumer is given it), only its shape
    programme: PaymentProgrammeV2  # type: ignore[assignment]


class PaymentIssuedV2(IntegrationEvent[PaymentIssuedV2Data]):
    """Money was paid (资金已发放), v2: by any paying service, veterans and eldercare programmes included.

    Each producer publishes on its own subject: ``subject_for("veterans")`` is ``veterans.payment.issued``.
    """

    SUBJECT: ClassVar[str] = "assistance.payment.issued"
    PRODUCERS: ClassVar[frozenset[str]] = PAYING_SERVICES
    event_type: Literal["PaymentIssued"] = "PaymentIssued"
    schema_version: Literal[2] = 2
