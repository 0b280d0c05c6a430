"""Every write of the customers app: the account page, marketing consent, the data export,
the erasure and the staff's customer 360 with its audit."""
