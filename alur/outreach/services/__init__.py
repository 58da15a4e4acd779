"""Every change of Dukcapil Siaga (S3): one transaction each, with its audit event.

- `referrals`: a partner's account refers a resident (`referral_submit`) and the S3 case starts
  with step 1 (the partner's) done; from the public form (`actor` None) the referral waits for a
  partner of the office to take it up (`referral_forward`). The officer may close it.
- `letters`: the supporting letters the officer found necessary (`letters_require`,
  `letter_receive`); the Kasi asks the partner for those missing (`letters_chase`) and the
  partner sends them (`letter_send`); the Kasi's verification (`referral_verify`).
- `visits`: jemput bola; the recording officer schedules their own visit (or a superior assigns
  one), and only the assigned officer records the result.

What a referral gives is checked in `outreach.inputs`; reads are in `outreach.selectors`.
"""
