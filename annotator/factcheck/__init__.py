"""Claim records, search, duplicate detection and ClaimReview export (no Qt)."""
