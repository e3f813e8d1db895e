-- ContextForge's accounts (email_users): who is an administrator and who is disabled; never the password hash.
SELECT id, email, is_admin, is_active
FROM email_users
