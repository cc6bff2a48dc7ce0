# simnet: events, en. See src/i18n.rs.
