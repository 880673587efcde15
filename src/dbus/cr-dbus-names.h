/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Where cimrepod is on the bus: one place for the daemon, the client
 * library and the app. The interfaces are in the generated code
 * (cr-dbus-generated.h). */
#define CR_DBUS_SERVICE_NAME "org.cimrepo.Repository1"
#define CR_DBUS_REPOSITORY_PATH "/org/cimrepo/Repository1"
