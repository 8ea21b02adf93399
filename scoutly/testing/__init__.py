"""Test and benchmark doubles, never imported by production code.

`tests/` and `bench/` share these: a fake Gemini API on 127.0.0.1 (`fake_gemini`), a loopback site server
(`http_server`), a database wrapper that counts round trips (`counting_db`), issue 11's hostile pages
(`hostile_pages`) and an event-loop stall meter (`loop_lag`). They live in the package so that `bench/` needs
nothing from `tests/`; `tests/test_import_rules.py` checks that no production module imports them.
"""
