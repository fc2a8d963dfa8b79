"""Proxy-means-test models as data, fitting, household scores and desil."""
