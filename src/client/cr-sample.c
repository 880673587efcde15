/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-client"

#include <sys/utsname.h>

#include "cr-client-private.h"

/*
 * The sample content of a new default repository: what a user sees first.
 * A small slice of the DMTF CIM schema in root/cimv2 (managed elements,
 * services, file systems, the operating system, a dependency), Linux leaf
 * classes, and instances that describe a typical Linux machine.
 */

#define SAMPLE_NAMESPACE "root/cimv2"

/* Qualifier types, as DSP0004 declares them */

typedef struct {
  const char *name;
  CrCimType type;
  CrScope scope;
  CrFlavor flavor;
} SampleQualifierType;

static const SampleQualifierType sample_qualifier_types[] = {
  { "Abstract", CR_CIM_TYPE_BOOLEAN, CR_SCOPE_CLASS | CR_SCOPE_ASSOCIATION | CR_SCOPE_INDICATION, CR_FLAVOR_RESTRICTED },
  { "Association", CR_CIM_TYPE_BOOLEAN, CR_SCOPE_ASSOCIATION, CR_FLAVOR_DISABLE_OVERRIDE },
  { "Description", CR_CIM_TYPE_STRING, CR_SCOPE_ANY, CR_FLAVOR_TRANSLATABLE },
  { "Key", CR_CIM_TYPE_BOOLEAN, CR_SCOPE_PROPERTY | CR_SCOPE_REFERENCE, CR_FLAVOR_DISABLE_OVERRIDE },
  { "MaxLen", CR_CIM_TYPE_UINT32, CR_SCOPE_PROPERTY | CR_SCOPE_METHOD | CR_SCOPE_PARAMETER, CR_FLAVOR_NONE },
  { "Override", CR_CIM_TYPE_STRING, CR_SCOPE_PROPERTY | CR_SCOPE_REFERENCE | CR_SCOPE_METHOD, CR_FLAVOR_RESTRICTED },
  { "Units", CR_CIM_TYPE_STRING, CR_SCOPE_PROPERTY | CR_SCOPE_METHOD | CR_SCOPE_PARAMETER, CR_FLAVOR_TRANSLATABLE },
  { "ValueMap", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, CR_SCOPE_PROPERTY | CR_SCOPE_METHOD | CR_SCOPE_PARAMETER, CR_FLAVOR_NONE },
  { "Values", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, CR_SCOPE_PROPERTY | CR_SCOPE_METHOD | CR_SCOPE_PARAMETER, CR_FLAVOR_TRANSLATABLE },
  { "Version", CR_CIM_TYPE_STRING, CR_SCOPE_CLASS | CR_SCOPE_ASSOCIATION | CR_SCOPE_INDICATION, CR_FLAVOR_RESTRICTED | CR_FLAVOR_TRANSLATABLE },
};

static GVariant *
qualifier_type_default (CrCimType type)
{
  if (type == CR_CIM_TYPE_BOOLEAN)
    return g_variant_new_boolean (FALSE);
  return NULL;
}

/* Building classes */

static CrQualifier *
q_true (const char *name, CrFlavor flavor)
{
  return cr_qualifier_new (name, g_variant_new_boolean (TRUE), flavor);
}

static CrQualifier *
q_string (const char *name, const char *value, CrFlavor flavor)
{
  return cr_qualifier_new (name, g_variant_new_string (value), flavor);
}

static CrQualifier *
q_strv (const char *name, const char *const *values, CrFlavor flavor)
{
  return cr_qualifier_new (name, g_variant_new_strv (values, -1), flavor);
}

static CrQualifier *
q_description (const char *text)
{
  return q_string ("Description", text, CR_FLAVOR_TRANSLATABLE);
}

static CrClass *
sample_class (const char *name, const char *superclass, gboolean abstract, const char *description)
{
  CrClass *klass = cr_class_new (name, superclass);

  if (abstract)
    cr_class_add_qualifier (klass, q_true ("Abstract", CR_FLAVOR_RESTRICTED));
  /* The DMTF schema's version, or our own for the Linux classes */
  cr_class_add_qualifier (klass, q_string ("Version", g_str_has_prefix (name, "CIM_") ? "2.54.0" : "1.0.0",
                                           CR_FLAVOR_RESTRICTED | CR_FLAVOR_TRANSLATABLE));
  cr_class_add_qualifier (klass, q_description (description));
  return klass;
}

/* Returns: (transfer none): the new property, to add qualifiers to */
static CrProperty *
sample_property (CrClass *klass, const char *name, CrCimType type, const char *description)
{
  CrProperty *property = cr_property_new (name, type);

  g_ptr_array_add (property->qualifiers, q_description (description));
  cr_class_add_property (klass, property);
  return property;
}

/* A key Name that overrides CIM_ManagedSystemElement's, as CIM does */
static void
sample_key_name (CrClass *klass, guint32 max_len, const char *description)
{
  CrProperty *name = sample_property (klass, "Name", CR_CIM_TYPE_STRING, description);

  g_ptr_array_add (name->qualifiers, q_true ("Key", CR_FLAVOR_DISABLE_OVERRIDE));
  g_ptr_array_add (name->qualifiers, q_string ("Override", "Name", CR_FLAVOR_RESTRICTED));
  g_ptr_array_add (name->qualifiers, cr_qualifier_new ("MaxLen", g_variant_new_uint32 (max_len), CR_FLAVOR_NONE));
}

static void
add_value_map (CrProperty *property, const char *const *value_map, const char *const *values)
{
  g_ptr_array_add (property->qualifiers, q_strv ("ValueMap", value_map, CR_FLAVOR_NONE));
  g_ptr_array_add (property->qualifiers, q_strv ("Values", values, CR_FLAVOR_TRANSLATABLE));
}

static void
add_units (CrProperty *property, const char *units)
{
  g_ptr_array_add (property->qualifiers, q_string ("Units", units, CR_FLAVOR_TRANSLATABLE));
}

static void
add_method (CrClass *klass, const char *name, const char *description)
{
  CrMethod *method = cr_method_new (name, CR_CIM_TYPE_UINT32);
  static const char *const value_map[] = { "0", "1", "2", "3", "4", "5", "..", NULL };
  static const char *const values[] = { "Success", "Not Supported", "Unknown", "Timeout", "Failed",
                                        "Access Denied", "DMTF Reserved", NULL };

  g_ptr_array_add (method->qualifiers, q_description (description));
  g_ptr_array_add (method->qualifiers, q_strv ("ValueMap", value_map, CR_FLAVOR_NONE));
  g_ptr_array_add (method->qualifiers, q_strv ("Values", values, CR_FLAVOR_TRANSLATABLE));
  cr_class_add_method (klass, method);
}

static GPtrArray *
sample_classes (void)
{
  GPtrArray *classes = g_ptr_array_new_with_free_func (g_object_unref);
  static const char *const status_map[] = { "0", "1", "2", "3", "5", "6", "10", NULL };
  static const char *const status_values[] = { "Unknown", "Other", "OK", "Degraded", "Predictive Failure",
                                               "Error", "Stopped", NULL };
  static const char *const health_map[] = { "0", "5", "10", "15", "20", "25", "30", NULL };
  static const char *const health_values[] = { "Unknown", "OK", "Degraded/Warning", "Minor failure",
                                               "Major failure", "Critical failure", "Non-recoverable error", NULL };
  static const char *const start_modes[] = { "Automatic", "Manual", NULL };
  static const char *const os_type_map[] = { "0", "1", "36", NULL };
  static const char *const os_type_values[] = { "Unknown", "Other", "LINUX", NULL };
  static const char *const unit_states[] = { "enabled", "disabled", "static", "masked", "generated", NULL };
  CrClass *klass;
  CrProperty *p;

  klass = sample_class ("CIM_ManagedElement", NULL, TRUE,
                        "ManagedElement is the root of the CIM hierarchy: everything that is managed.");
  p = sample_property (klass, "Caption", CR_CIM_TYPE_STRING, "A short, one-line description of the object.");
  g_ptr_array_add (p->qualifiers, cr_qualifier_new ("MaxLen", g_variant_new_uint32 (64), CR_FLAVOR_NONE));
  sample_property (klass, "Description", CR_CIM_TYPE_STRING, "A textual description of the object.");
  sample_property (klass, "ElementName", CR_CIM_TYPE_STRING, "A user-friendly name for the object.");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("CIM_ManagedSystemElement", "CIM_ManagedElement", TRUE,
                        "The base class for the system elements: software, hardware and logical components.");
  sample_property (klass, "InstallDate", CR_CIM_TYPE_DATETIME, "When the object was installed.");
  p = sample_property (klass, "Name", CR_CIM_TYPE_STRING, "The label by which the object is known.");
  g_ptr_array_add (p->qualifiers, cr_qualifier_new ("MaxLen", g_variant_new_uint32 (1024), CR_FLAVOR_NONE));
  p = sample_property (klass, "OperationalStatus", CR_CIM_TYPE_UINT16 | CR_CIM_FLAG_ARRAY,
                       "The current statuses of the element, the most significant first.");
  add_value_map (p, status_map, status_values);
  p = sample_property (klass, "HealthState", CR_CIM_TYPE_UINT16, "The current health of the element.");
  add_value_map (p, health_map, health_values);
  g_ptr_array_add (classes, klass);

  klass = sample_class ("CIM_LogicalElement", "CIM_ManagedSystemElement", TRUE,
                        "The base class for the system components that are not hardware.");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("CIM_Service", "CIM_LogicalElement", TRUE,
                        "A service: functionality that a system provides, such as a daemon.");
  sample_key_name (klass, 256, "The name of the service.");
  sample_property (klass, "SystemName", CR_CIM_TYPE_STRING, "The name of the system that hosts the service.");
  sample_property (klass, "Started", CR_CIM_TYPE_BOOLEAN, "Whether the service is running.");
  p = sample_property (klass, "StartMode", CR_CIM_TYPE_STRING, "Whether the service starts at boot or on demand.");
  add_value_map (p, start_modes, start_modes);
  add_method (klass, "StartService", "Starts the service.");
  add_method (klass, "StopService", "Stops the service.");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("CIM_FileSystem", "CIM_LogicalElement", TRUE,
                        "A file system: a way of storing files on a device.");
  sample_key_name (klass, 4096, "The name of the file system, its mount point.");
  sample_property (klass, "Root", CR_CIM_TYPE_STRING, "The path of the file system's root directory.");
  p = sample_property (klass, "FileSystemSize", CR_CIM_TYPE_UINT64, "The total size of the file system.");
  add_units (p, "Bytes");
  p = sample_property (klass, "AvailableSpace", CR_CIM_TYPE_UINT64, "The space left for files.");
  add_units (p, "Bytes");
  p = sample_property (klass, "BlockSize", CR_CIM_TYPE_UINT32, "The size of one block of the file system.");
  add_units (p, "Bytes");
  sample_property (klass, "FileSystemType", CR_CIM_TYPE_STRING, "The type of the file system, such as ext4.");
  sample_property (klass, "ReadOnly", CR_CIM_TYPE_BOOLEAN, "Whether the file system is mounted read-only.");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("CIM_OperatingSystem", "CIM_LogicalElement", TRUE,
                        "The software that runs on a computer system and manages its resources.");
  sample_key_name (klass, 256, "The name of the operating system.");
  p = sample_property (klass, "OSType", CR_CIM_TYPE_UINT16, "The type of the operating system.");
  add_value_map (p, os_type_map, os_type_values);
  sample_property (klass, "Version", CR_CIM_TYPE_STRING, "The version of the operating system.");
  sample_property (klass, "LastBootUpTime", CR_CIM_TYPE_DATETIME, "When the operating system was last booted.");
  sample_property (klass, "LocalDateTime", CR_CIM_TYPE_DATETIME, "The operating system's local date and time.");
  sample_property (klass, "NumberOfProcesses", CR_CIM_TYPE_UINT32, "How many processes exist.");
  p = sample_property (klass, "TotalVisibleMemorySize", CR_CIM_TYPE_UINT64, "The memory that the system can use.");
  add_units (p, "KiloBytes");
  p = sample_property (klass, "FreePhysicalMemory", CR_CIM_TYPE_UINT64, "The memory that is not in use.");
  add_units (p, "KiloBytes");
  g_ptr_array_add (classes, klass);

  klass = cr_class_new ("CIM_Dependency", NULL);
  cr_class_add_qualifier (klass, q_true ("Association", CR_FLAVOR_DISABLE_OVERRIDE));
  cr_class_add_qualifier (klass, q_true ("Abstract", CR_FLAVOR_RESTRICTED));
  cr_class_add_qualifier (klass, q_string ("Version", "2.54.0", CR_FLAVOR_RESTRICTED | CR_FLAVOR_TRANSLATABLE));
  cr_class_add_qualifier (klass, q_description ("A dependency: one element needs another to work."));
  for (guint i = 0; i < 2; i++)
    {
      p = sample_property (klass, i == 0 ? "Antecedent" : "Dependent", CR_CIM_TYPE_REFERENCE,
                           i == 0 ? "The element that is needed." : "The element that needs it.");
      p->reference_class = g_strdup ("CIM_ManagedElement");
      g_ptr_array_add (p->qualifiers, q_true ("Key", CR_FLAVOR_DISABLE_OVERRIDE));
    }
  g_ptr_array_add (classes, klass);

  klass = sample_class ("LNX_Service", "CIM_Service", FALSE, "A systemd service unit.");
  p = sample_property (klass, "UnitFileState", CR_CIM_TYPE_STRING, "Whether the unit starts at boot (systemctl is-enabled).");
  add_value_map (p, unit_states, unit_states);
  sample_property (klass, "MainPID", CR_CIM_TYPE_UINT32, "The process id of the service's main process, 0 when stopped.");
  sample_property (klass, "ExecStart", CR_CIM_TYPE_STRING, "The command that starts the service.");
  sample_property (klass, "Requires", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, "The units that the service needs.");
  p = sample_property (klass, "MemoryCurrent", CR_CIM_TYPE_UINT64, "The memory that the service uses now.");
  add_units (p, "Bytes");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("LNX_FileSystem", "CIM_FileSystem", FALSE, "A mounted Linux file system.");
  sample_property (klass, "Device", CR_CIM_TYPE_STRING, "The block device that holds the file system.");
  sample_property (klass, "UUID", CR_CIM_TYPE_STRING, "The file system's UUID.");
  sample_property (klass, "MountOptions", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, "The options it is mounted with.");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("LNX_OperatingSystem", "CIM_OperatingSystem", FALSE, "A Linux distribution.");
  sample_property (klass, "KernelRelease", CR_CIM_TYPE_STRING, "The release of the running Linux kernel (uname -r).");
  sample_property (klass, "Hostname", CR_CIM_TYPE_STRING, "The host name of the system.");
  g_ptr_array_add (classes, klass);

  klass = sample_class ("LNX_ServiceDependency", "CIM_Dependency", FALSE,
                        "A systemd dependency between two service units (Requires=).");
  g_ptr_array_add (classes, klass);

  return classes;
}

/* Instances */

/* A DMTF datetime (DSP0004 5.2.4), in UTC */
static GVariant *
dmtf_datetime (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);
  g_autofree char *text = g_date_time_format (dt, "%Y%m%d%H%M%S.000000+000");

  return g_variant_new_string (text);
}

static GVariant *
status (guint16 operational)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT16, &operational, 1, sizeof operational);
}

typedef struct {
  const char *name;
  const char *caption;
  gboolean started;
  const char *unit_state;
  guint32 pid;
  const char *exec;
  const char *requires;
  guint64 memory;
} SampleService;

static const SampleService sample_services[] = {
  { "sshd.service", "OpenBSD Secure Shell server", TRUE, "enabled", 812, "/usr/sbin/sshd -D",
    "network.target", 5 * 1024 * 1024 },
  { "cron.service", "Regular background program processing daemon", TRUE, "enabled", 640, "/usr/sbin/cron -f",
    "", 1228800 },
  { "systemd-journald.service", "Journal Service", TRUE, "static", 301, "/lib/systemd/systemd-journald",
    "systemd-journald.socket", 24 * 1024 * 1024 },
  { "dbus.service", "D-Bus System Message Bus", TRUE, "static", 655,
    "/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only",
    "dbus.socket", 4 * 1024 * 1024 },
  { "NetworkManager.service", "Network Manager", TRUE, "enabled", 702, "/usr/sbin/NetworkManager --no-daemon",
    "dbus.socket", 18 * 1024 * 1024 },
  { "polkit.service", "Authorization Manager", TRUE, "static", 688, "/usr/libexec/polkitd --no-debug",
    "dbus.socket", 9 * 1024 * 1024 },
  { "cups.service", "CUPS Scheduler", FALSE, "disabled", 0, "/usr/sbin/cupsd -l", "cups.socket", 0 },
};

typedef struct {
  const char *name;
  const char *device;
  const char *uuid;
  const char *type;
  guint64 size;
  guint64 available;
  guint32 block_size;
  const char *options;
} SampleFileSystem;

static const SampleFileSystem sample_file_systems[] = {
  { "/", "/dev/nvme0n1p2", "6b1c43a5-95d2-4d3e-9f0a-2c0f7e5d8a11", "ext4",
    G_GUINT64_CONSTANT (107374182400), G_GUINT64_CONSTANT (61203283968), 4096, "rw,relatime,errors=remount-ro" },
  { "/home", "/dev/nvme0n1p3", "f0e2b7c9-1a44-4b8e-8d67-93c5a2e4d0f3", "ext4",
    G_GUINT64_CONSTANT (858993459200), G_GUINT64_CONSTANT (412316860416), 4096, "rw,relatime" },
  { "/boot/efi", "/dev/nvme0n1p1", "7A3C-11F0", "vfat",
    G_GUINT64_CONSTANT (536870912), G_GUINT64_CONSTANT (531628032), 4096,
    "rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro" },
};

static GVariant *
split_list (const char *list)
{
  g_auto (GStrv) items = g_strsplit (list, ",", -1);

  if (*list == '\0')
    return g_variant_new_strv (NULL, 0);
  return g_variant_new_strv ((const char *const *) items, -1);
}

static GPtrArray *
sample_instances (void)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 boot = now - 3 * 24 * 3600 - 4 * 3600 - 17 * 60;
  gint64 installed = now - 412 * 24 * 3600;
  const char *host = g_get_host_name ();
  g_autofree char *distribution = g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME);
  g_autofree char *os_version = g_get_os_info (G_OS_INFO_KEY_VERSION_ID);
  struct utsname uts;
  CrInstance *inst;

  if (distribution == NULL)
    distribution = g_strdup ("Linux");
  if (os_version == NULL)
    os_version = g_strdup ("");

  for (gsize i = 0; i < G_N_ELEMENTS (sample_services); i++)
    {
      const SampleService *s = &sample_services[i];

      inst = cr_instance_new ("LNX_Service");
      cr_instance_set_property (inst, "Name", g_variant_new_string (s->name));
      cr_instance_set_property (inst, "Caption", g_variant_new_string (s->caption));
      cr_instance_set_property (inst, "SystemName", g_variant_new_string (host));
      cr_instance_set_property (inst, "Started", g_variant_new_boolean (s->started));
      cr_instance_set_property (inst, "StartMode",
                                g_variant_new_string (g_str_equal (s->unit_state, "disabled") ? "Manual" : "Automatic"));
      cr_instance_set_property (inst, "OperationalStatus", status (s->started ? 2 : 10));
      cr_instance_set_property (inst, "HealthState", g_variant_new_uint16 (5));
      cr_instance_set_property (inst, "InstallDate", dmtf_datetime (installed));
      cr_instance_set_property (inst, "UnitFileState", g_variant_new_string (s->unit_state));
      cr_instance_set_property (inst, "MainPID", g_variant_new_uint32 (s->pid));
      cr_instance_set_property (inst, "ExecStart", g_variant_new_string (s->exec));
      cr_instance_set_property (inst, "Requires", split_list (s->requires));
      cr_instance_set_property (inst, "MemoryCurrent", g_variant_new_uint64 (s->memory));
      g_ptr_array_add (instances, inst);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (sample_file_systems); i++)
    {
      const SampleFileSystem *f = &sample_file_systems[i];

      inst = cr_instance_new ("LNX_FileSystem");
      cr_instance_set_property (inst, "Name", g_variant_new_string (f->name));
      cr_instance_set_property (inst, "Root", g_variant_new_string (f->name));
      cr_instance_set_property (inst, "Caption", g_variant_new_string (f->device));
      cr_instance_set_property (inst, "Device", g_variant_new_string (f->device));
      cr_instance_set_property (inst, "UUID", g_variant_new_string (f->uuid));
      cr_instance_set_property (inst, "FileSystemType", g_variant_new_string (f->type));
      cr_instance_set_property (inst, "FileSystemSize", g_variant_new_uint64 (f->size));
      cr_instance_set_property (inst, "AvailableSpace", g_variant_new_uint64 (f->available));
      cr_instance_set_property (inst, "BlockSize", g_variant_new_uint32 (f->block_size));
      cr_instance_set_property (inst, "ReadOnly", g_variant_new_boolean (FALSE));
      cr_instance_set_property (inst, "MountOptions", split_list (f->options));
      cr_instance_set_property (inst, "OperationalStatus", status (2));
      cr_instance_set_property (inst, "InstallDate", dmtf_datetime (installed));
      g_ptr_array_add (instances, inst);
    }

  inst = cr_instance_new ("LNX_OperatingSystem");
  cr_instance_set_property (inst, "Name", g_variant_new_string (distribution));
  cr_instance_set_property (inst, "Caption", g_variant_new_string (distribution));
  cr_instance_set_property (inst, "OSType", g_variant_new_uint16 (36));
  cr_instance_set_property (inst, "Version", g_variant_new_string (os_version));
  if (uname (&uts) == 0)
    cr_instance_set_property (inst, "KernelRelease", g_variant_new_string (uts.release));
  cr_instance_set_property (inst, "Hostname", g_variant_new_string (host));
  cr_instance_set_property (inst, "InstallDate", dmtf_datetime (installed));
  cr_instance_set_property (inst, "LastBootUpTime", dmtf_datetime (boot));
  cr_instance_set_property (inst, "LocalDateTime", dmtf_datetime (now));
  cr_instance_set_property (inst, "NumberOfProcesses", g_variant_new_uint32 (214));
  cr_instance_set_property (inst, "TotalVisibleMemorySize", g_variant_new_uint64 (16303428));
  cr_instance_set_property (inst, "FreePhysicalMemory", g_variant_new_uint64 (9174216));
  cr_instance_set_property (inst, "OperationalStatus", status (2));
  cr_instance_set_property (inst, "HealthState", g_variant_new_uint16 (5));
  g_ptr_array_add (instances, inst);

  inst = cr_instance_new ("LNX_ServiceDependency");
  cr_instance_set_property (inst, "Antecedent", g_variant_new_string ("LNX_Service.Name=\"dbus.service\""));
  cr_instance_set_property (inst, "Dependent", g_variant_new_string ("LNX_Service.Name=\"NetworkManager.service\""));
  g_ptr_array_add (instances, inst);

  return instances;
}

/**
 * cr_client_populate_sample:
 *
 * Fills a new repository with the sample content: the namespace
 * root/cimv2 with the standard qualifier types, a small CIM class
 * hierarchy with Linux leaf classes, and a dozen instances. The default
 * repository of local mode gets it when it is created. Blocks; call it
 * from a worker thread in a GUI.
 */
gboolean
cr_client_populate_sample (CrClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) classes = NULL;
  g_autoptr (GPtrArray) instances = NULL;

  g_return_val_if_fail (CR_IS_CLIENT (self), FALSE);

  if (!cr_client_create_namespace_sync (self, SAMPLE_NAMESPACE, CR_NAMESPACE_FLAGS_CREATE_PARENTS, cancellable, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (sample_qualifier_types); i++)
    {
      const SampleQualifierType *t = &sample_qualifier_types[i];
      g_autoptr (CrQualifierType) qtype = cr_qualifier_type_new (t->name, t->type, qualifier_type_default (t->type),
                                                                 t->scope, t->flavor);
      g_autoptr (GVariant) reply = NULL;

      reply = cr_client_call_sync (self, "PutQualifierType",
                                   g_variant_new ("(s@" CR_QUALIFIER_TYPE_VARIANT_TYPE "u)", SAMPLE_NAMESPACE,
                                                  cr_qualifier_type_to_variant (qtype), (guint32) CR_PUT_FLAGS_NONE),
                                   cancellable, error);
      if (reply == NULL)
        return FALSE;
    }

  classes = sample_classes ();
  for (guint i = 0; i < classes->len; i++)
    {
      if (cr_client_put_class_sync (self, SAMPLE_NAMESPACE, g_ptr_array_index (classes, i), CR_PUT_FLAGS_NONE,
                                    cancellable, error) == CR_PUT_RESULT_ERROR)
        return FALSE;
    }

  instances = sample_instances ();
  for (guint i = 0; i < instances->len; i++)
    {
      g_autofree char *path = cr_client_put_instance_sync (self, SAMPLE_NAMESPACE, g_ptr_array_index (instances, i),
                                                           CR_PUT_FLAGS_NONE, cancellable, error);
      if (path == NULL)
        return FALSE;
    }
  return TRUE;
}
