# simnet: scenarios, en. See src/i18n.rs.
