# tests/pkg/keep-user.sh - sourced by the tests that install and purge the
# package (tests/pkg/t-deb.sh, tests/e2e/t-readme.sh).  Purging removes the
# system user mxdetour; a machine where contrib/try.sh (or an admin) made
# that user before must get it back afterwards, with the same ids.
#   keep_user_save      remember user and group mxdetour if they exist
#   keep_user_restore   make them again if the purge removed them
KEEP_PASSWD=""
KEEP_GROUP=""

keep_user_save() {
    KEEP_PASSWD=$(getent passwd mxdetour)
    KEEP_GROUP=$(getent group mxdetour)
}

keep_user_restore() {
    if [ -n "$KEEP_GROUP" ] && ! getent group mxdetour >/dev/null; then
        groupadd --system --gid "$(echo "$KEEP_GROUP" | cut -d: -f3)" mxdetour
    fi
    if [ -n "$KEEP_PASSWD" ] && ! getent passwd mxdetour >/dev/null; then
        _ids=$(echo "$KEEP_PASSWD" | cut -d: -f3,4)
        useradd --system --uid "${_ids%:*}" --gid "${_ids#*:}" --no-create-home \
            --home-dir "$(echo "$KEEP_PASSWD" | cut -d: -f6)" \
            --shell "$(echo "$KEEP_PASSWD" | cut -d: -f7)" mxdetour
    fi
}
