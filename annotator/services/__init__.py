"""What the command line and the window both offer, over the core and the formats:
transfer (import and export), merge, suggestions and training, agreement, and the
fact-checker's views (claims, search, duplicates, ClaimReview)."""
