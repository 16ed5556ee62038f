from dolbom.counselling.tests.conftest import agent, clock, family, other_family  # noqa: F401
