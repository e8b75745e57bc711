#!/bin/sh
# turnctl as packaged (.deb and .tar.gz): the bundled Java runtime runs the jar beside it, so the
# host needs no JDK. /usr/bin/turnctl is a relative symlink to this file.
set -eu
here="$(dirname "$(readlink -f "$0")")"
home="$(dirname "$here")"
# A bounded heap and the Parallel collector, as the launcher, the unit and the image run it
# (README, "Performance"). TURNCTL_JAVA_OPTS replaces all of them.
default_java_opts="-XX:+UseParallelGC -Xms32m -Xmx512m -XX:+ExitOnOutOfMemoryError"
# shellcheck disable=SC2086
exec "$home/runtime/bin/java" ${TURNCTL_JAVA_OPTS:-$default_java_opts} -jar "$home/turnctl.jar" "$@"
