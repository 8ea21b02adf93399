"""Operations: what a human asks of a running appliance — `status` (gathering the report), `health` (processors,
failures, budget), `doctor` (connectivity checks and their fixes) and `repair` (stuck and dead jobs). Logic only;
presentation lives in `scoutly/cli/`."""
