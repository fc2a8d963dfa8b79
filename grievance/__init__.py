"""Complaints, usul/sanggah, incidents and Serasi referrals (issue 14)."""
