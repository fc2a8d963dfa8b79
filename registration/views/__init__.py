"""Pages of the DTKS update flow, one module per area: work queues, proposals (usulan) and
changes to existing households, village meetings, verification visits, the regency's submission
and its approval chain, and the period's penetapan.

Views parse, call registration.services and selectors, render. The services check permissions
and transitions; their refusals become messages on the page (PermissionDenied becomes 403)."""
