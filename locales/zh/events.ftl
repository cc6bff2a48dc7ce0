# simnet: events, zh. See src/i18n.rs.
