"""Marriage, divorce and death registration (婚姻登记 · 离婚登记 · 死亡登记), pure.

Streams (the consistency boundaries):

- ``person-<token>`` (``person.PersonStatus``, PersonMaritalStatus): unmarried → married →
  divorced | widowed → married …; deceased is terminal (until a court revokes a declaration).
  Every registration that changes a person's status appends here at the version its unit loaded,
  so of two registrations sharing a person exactly one commits; the other retries and is refused.
- ``marriage-<uuid>`` (``marriage.Marriage``, its events in ``marriage_events``): registered →
  dissolved_by_divorce | ended_by_death (→ registered again when a declaration of death is
  revoked), with its divorce applications on the same stream, so that at most one is open per
  marriage.
- ``death-<token>`` (``..death.DeathRecord``): one live registration per person; corrections are
  new events.

Decisions where the rules were silent (each a docstring where it is decided):

- An office (婚姻登记处) is a division of the county, 6 digits (the county's office) or 9 (a
  township's service hall, 全国通办); certificates carry the first 6 digits, so every office of a
  county numbers in the one series of (kind, county, year).
- The certificate of no marriage record (无婚姻登记记录证明) is numbered ``W`` + office + year +
  serial [assume]. It certifies that there is no marriage registration at all, so it is refused
  (``marriage_on_record``) to anyone with any marriage on record: married, divorced, widowed, or
  any marriage on the archive's record (and ``party_deceased`` to the deceased).
- A marriage certificate is reissued only while the marriage stands; a divorce certificate after
  the divorce. Reissuing a reissue voids the earlier reissue.
- A divorce application received when no cooling-off standard is in force (before 2021-01-01)
  has no cooling-off and no certificate deadline (it never lapses).
- A death registered for a married person ends the marriage on ``date_of_death`` and terminates
  an open divorce application on the registration day.
- A death dated before the current marriage was registered is registered all the same (it is a
  fact every benefit stops on; refusing it would keep paying a dead person). The marriage is not
  shown ended before it began: it ends by death on its registration day (the spouse widowed that
  day) and is flagged for annulment review, ``MarriageFlaggedForReview`` {reason
  ``death_before_registration``, the recorded date of death} (internal; the marriage's ``review``
  in its answer). Whether it is void is for the court or the registry's review, not this record.
- A revoked declaration of death (Civil Code art. 51) revives the marriage unless the spouse has
  remarried or declined in writing; a marriage it does not revive counts, for the person, as
  dissolved (status ``divorced`` [assume]).
"""
