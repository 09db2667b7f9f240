// SQLite (Debian: libsqlite3-dev), for export schedules and their history.
#include <sqlite3.h>
