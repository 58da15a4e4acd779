"""The S1 stages of blank stock, one module per stage.

- `requests`: a kab/kota asks its province for blanks.
- `shipments`: dispatch by the Badan Penghubung, pick-up at the airport, receipt into stock.
- `allocation`: the split among kab/kota, its approval, publication and schedule.
- `shares`: telling each kab/kota its share and schedule.
- `handover`: the share moves from the province's ledger to the kab/kota's.

Each service runs in one transaction with its audit events; stock moves through the ledger
(`alur.logistics.ledger`), which locks and appends the lines.
"""
