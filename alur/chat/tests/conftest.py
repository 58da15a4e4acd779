from alur.chat.tests.phone import phone, phone_graph  # noqa: F401
