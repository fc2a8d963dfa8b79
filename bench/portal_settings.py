"""Settings of the portal benchmark's server: production settings, with the captcha in the
library's own test mode (the benchmark answers "PASSED") and rate limits raised so that one
load generator on one address measures the lookup, not the refusal (the limiter still runs)."""

from kesos.settings import *  # noqa: F403

CAPTCHA_TEST_MODE = True
PORTAL_RATE_LIMITS = {"address": (10**9, 60), "session": (10**9, 60)}
