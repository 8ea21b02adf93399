"""What happens to postings after acquisition: `diff` (pure), `store` (the `postings` collection) and `observe`
(one look at a company: completeness rules, diff, details of new postings, save)."""
