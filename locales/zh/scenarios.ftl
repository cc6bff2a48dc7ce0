# simnet: scenarios, zh. See src/i18n.rs.
