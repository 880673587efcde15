/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepoctl"

#include <string.h>

#include <glib/gi18n.h>

#include "cr-cli.h"

/*
 * The commands on the CIM model: namespace list|create|delete, class
 * list|show and instance list|show|put|delete. Classes and instances are
 * shown in MOF, the CIM's own syntax.
 */

/* namespace list|create|delete */

int
cr_cli_cmd_namespace_list (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_auto (GStrv) namespaces = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("[PARENT]"),
                     _("List every namespace, or those below PARENT."), &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 0, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  namespaces = cr_client_list_namespaces_sync (client, args->len > 0 ? args->pdata[0] : NULL, TRUE, NULL, &error);
  if (namespaces == NULL)
    return cr_cli_fail (error);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; namespaces[i] != NULL; i++)
        json_builder_add_string_value (b, namespaces[i]);
      json_builder_end_array (b);
      cr_cli_json_print (b);
    }
  else
    for (guint i = 0; namespaces[i] != NULL; i++)
      g_print ("%s\n", namespaces[i]);
  return CR_CLI_EXIT_OK;
}

int
cr_cli_cmd_namespace_create (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  gboolean parents = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    { "parents", 'p', 0, G_OPTION_ARG_NONE, &parents, N_("Create missing parent namespaces too"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("NAMESPACE"), _("Create a namespace, such as root/myapp."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL ||
      !cr_client_create_namespace_sync (client, args->pdata[0],
                                        parents ? CR_NAMESPACE_FLAGS_CREATE_PARENTS : CR_NAMESPACE_FLAGS_NONE, NULL,
                                        &error))
    return cr_cli_fail (error);
  return CR_CLI_EXIT_OK;
}

int
cr_cli_cmd_namespace_delete (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("NAMESPACE"),
                     _("Delete a namespace with everything in it, its child namespaces too."), &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL || !cr_client_delete_namespace_sync (client, args->pdata[0], NULL, &error))
    return cr_cli_fail (error);
  return CR_CLI_EXIT_OK;
}

/* class list|show */

static const char *
class_kind (CrClass *klass)
{
  if (cr_class_is_association (klass))
    return cr_class_is_abstract (klass) ? _("abstract association") : _("association");
  return cr_class_is_abstract (klass) ? _("abstract") : "";
}

int
cr_cli_cmd_class_list (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  gboolean deep = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    cr_cli_namespace_entry (cli),
    { "deep", 'd', 0, G_OPTION_ARG_NONE, &deep, N_("List every descendant, not only the direct subclasses"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("[SUPERCLASS]"),
                     _("List the classes derived from SUPERCLASS, or the classes without a superclass."), &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 0, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  classes = cr_client_enumerate_classes_sync (client, cr_cli_namespace (cli), args->len > 0 ? args->pdata[0] : NULL,
                                              deep, NULL, &error);
  if (classes == NULL)
    return cr_cli_fail (error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < classes->len; i++)
        {
          CrClass *klass = g_ptr_array_index (classes, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, cr_class_get_name (klass));
          json_builder_set_member_name (b, "superclass");
          json_builder_add_string_value (b, cr_class_get_superclass (klass));
          json_builder_set_member_name (b, "abstract");
          json_builder_add_boolean_value (b, cr_class_is_abstract (klass));
          json_builder_set_member_name (b, "association");
          json_builder_add_boolean_value (b, cr_class_is_association (klass));
          json_builder_set_member_name (b, "properties");
          json_builder_add_int_value (b, cr_class_get_properties (klass)->len);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      cr_cli_json_print (b);
    }
  else if (classes->len > 0)
    {
      g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

      g_ptr_array_add (rows, g_strdupv ((char **) (const char *[]){ C_("column", "CLASS"), C_("column", "SUPERCLASS"), C_("column", "KIND"), NULL }));
      for (guint i = 0; i < classes->len; i++)
        {
          CrClass *klass = g_ptr_array_index (classes, i);
          const char *super = cr_class_get_superclass (klass);

          g_ptr_array_add (rows, g_strdupv ((char *[]){ (char *) cr_class_get_name (klass),
                                                        (char *) (super != NULL && *super != '\0' ? super : "-"),
                                                        (char *) class_kind (klass), NULL }));
        }
      cr_cli_print_table (rows, 3);
    }
  return CR_CLI_EXIT_OK;
}

/* Qualifiers in MOF: [Key, MaxLen (256)]; Description goes apart. */
static char *
format_qualifiers (GPtrArray *qualifiers, gboolean skip_propagated)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    {
      CrQualifier *q = g_ptr_array_index (qualifiers, i);

      if (g_ascii_strcasecmp (q->name, "Description") == 0)
        continue;
      if (skip_propagated && (q->flavor & CR_FLAVOR_PROPAGATED))
        continue;
      g_string_append (out, out->len > 0 ? ", " : "[");
      g_string_append (out, q->name);
      if (q->value != NULL && !(g_variant_is_of_type (q->value, G_VARIANT_TYPE_BOOLEAN) &&
                                g_variant_get_boolean (q->value)))
        {
          g_autofree char *value = cr_cli_format_value (q->value);
          gboolean array = g_variant_is_container (q->value);

          g_string_append_printf (out, array ? " %s" : " (%s)", value);
        }
    }
  if (out->len > 0)
    g_string_append (out, "]");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
print_description (GPtrArray *qualifiers, const char *indent)
{
  CrQualifier *q = cr_qualifiers_find (qualifiers, "Description");

  if (q != NULL && q->value != NULL && g_variant_is_of_type (q->value, G_VARIANT_TYPE_STRING))
    g_print ("%s// %s\n", indent, g_variant_get_string (q->value, NULL));
}

static void
print_property (CrProperty *p)
{
  g_autofree char *qualifiers = format_qualifiers (p->qualifiers, FALSE);
  g_autofree char *type = NULL;
  g_autofree char *default_value = NULL;
  CrCimType element = CR_CIM_TYPE_ELEMENT (p->type);

  if (element == CR_CIM_TYPE_REFERENCE)
    type = g_strdup_printf ("%s REF", p->reference_class != NULL ? p->reference_class : "object");
  else
    type = g_strdup (cr_cim_type_to_string (element));
  if (p->default_value != NULL)
    {
      g_autofree char *value = cr_cim_value_to_string (p->type, p->default_value);
      default_value = g_strdup_printf (" = %s", value);
    }

  print_description (p->qualifiers, "    ");
  if (*qualifiers != '\0')
    g_print ("    %s\n", qualifiers);
  g_print ("    %s %s%s%s;%s\n", type, p->name, CR_CIM_TYPE_IS_ARRAY (p->type) ? "[]" : "",
           default_value != NULL ? default_value : "",
           /* Translators: marks a property or method that a class inherits */
           (p->flags & CR_ELEMENT_PROPAGATED) ? _("  // inherited") : "");
}

static void
print_method (CrMethod *m)
{
  g_autofree char *qualifiers = format_qualifiers (m->qualifiers, FALSE);
  g_autoptr (GString) params = g_string_new (NULL);

  for (guint i = 0; i < m->parameters->len; i++)
    {
      CrParameter *param = g_ptr_array_index (m->parameters, i);

      g_string_append_printf (params, "%s%s %s%s", i > 0 ? ", " : "", cr_cim_type_to_string (CR_CIM_TYPE_ELEMENT (param->type)),
                              param->name, CR_CIM_TYPE_IS_ARRAY (param->type) ? "[]" : "");
    }
  print_description (m->qualifiers, "    ");
  if (*qualifiers != '\0')
    g_print ("    %s\n", qualifiers);
  g_print ("    %s %s(%s);%s\n",
           m->return_type == CR_CIM_TYPE_INVALID ? "void" : cr_cim_type_to_string (m->return_type), m->name,
           params->str, (m->flags & CR_ELEMENT_PROPAGATED) ? _("  // inherited") : "");
}

int
cr_cli_cmd_class_show (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrClass) klass = NULL;
  g_autofree char *qualifiers = NULL;
  GPtrArray *properties, *methods;
  const char *super;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = { cr_cli_namespace_entry (cli), { NULL } };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("CLASS"),
                     _("Show a class in MOF: its qualifiers, its properties with their types, keys and defaults,\n"
                       "and its methods. Inherited ones are marked."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  klass = cr_client_get_class_sync (client, cr_cli_namespace (cli), args->pdata[0], NULL, &error);
  if (klass == NULL)
    return cr_cli_fail (error);

  g_print ("// %s:%s\n", cr_cli_namespace (cli), cr_class_get_name (klass));
  print_description (cr_class_get_qualifiers (klass), "");
  qualifiers = format_qualifiers (cr_class_get_qualifiers (klass), TRUE);
  if (*qualifiers != '\0')
    g_print ("%s\n", qualifiers);
  super = cr_class_get_superclass (klass);
  if (super != NULL && *super != '\0')
    g_print ("class %s : %s\n{\n", cr_class_get_name (klass), super);
  else
    g_print ("class %s\n{\n", cr_class_get_name (klass));
  properties = cr_class_get_properties (klass);
  for (guint i = 0; i < properties->len; i++)
    print_property (g_ptr_array_index (properties, i));
  methods = cr_class_get_methods (klass);
  for (guint i = 0; i < methods->len; i++)
    {
      if (i == 0 && properties->len > 0)
        g_print ("\n");
      print_method (g_ptr_array_index (methods, i));
    }
  g_print ("};\n");
  return CR_CLI_EXIT_OK;
}

/* instance list|show|put|delete */

static void
json_add_instance (JsonBuilder *b, CrInstance *instance)
{
  g_autoptr (GPtrArray) names = cr_instance_get_property_names (instance);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, cr_instance_get_path (instance));
  json_builder_set_member_name (b, "class");
  json_builder_add_string_value (b, cr_instance_get_class_name (instance));
  json_builder_set_member_name (b, "properties");
  json_builder_begin_object (b);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GVariant *value = cr_instance_get_property (instance, name);

      json_builder_set_member_name (b, name);
      json_builder_add_value (b, value != NULL ? json_gvariant_serialize (value) : json_node_new (JSON_NODE_NULL));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

int
cr_cli_cmd_instance_list (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  gboolean shallow = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    cr_cli_namespace_entry (cli),
    { "shallow", 's', 0, G_OPTION_ARG_NONE, &shallow, N_("Leave out the instances of subclasses"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("CLASS"),
                     _("List the instances of CLASS and of its subclasses, by object path."), &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  instances = cr_client_enumerate_instances_sync (client, cr_cli_namespace (cli), args->pdata[0], !shallow, NULL,
                                                  &error);
  if (instances == NULL)
    return cr_cli_fail (error);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < instances->len; i++)
        json_add_instance (b, g_ptr_array_index (instances, i));
      json_builder_end_array (b);
      cr_cli_json_print (b);
    }
  else
    for (guint i = 0; i < instances->len; i++)
      g_print ("%s\n", cr_instance_get_path (g_ptr_array_index (instances, i)));
  return CR_CLI_EXIT_OK;
}

int
cr_cli_cmd_instance_show (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrInstance) instance = NULL;
  g_autoptr (CrClass) klass = NULL;
  GPtrArray *properties;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = { cr_cli_namespace_entry (cli), { NULL } };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("PATH"),
                     _("Show an instance in MOF, every property of its class with its value.\n"
                       "PATH is an object path such as LNX_Service.Name=\"sshd.service\"."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  instance = cr_client_get_instance_sync (client, cr_cli_namespace (cli), args->pdata[0], NULL, &error);
  if (instance == NULL)
    return cr_cli_fail (error);
  klass = cr_client_get_class_sync (client, cr_cli_namespace (cli), cr_instance_get_class_name (instance), NULL,
                                    &error);
  if (klass == NULL)
    return cr_cli_fail (error);

  g_print ("// %s:%s\n", cr_cli_namespace (cli), cr_instance_get_path (instance));
  g_print ("instance of %s\n{\n", cr_instance_get_class_name (instance));
  properties = cr_class_get_properties (klass);
  for (guint i = 0; i < properties->len; i++)
    {
      CrProperty *p = g_ptr_array_index (properties, i);
      g_autofree char *value = cr_cim_value_to_string (p->type, cr_instance_get_property (instance, p->name));

      g_print ("    %s%s = %s;\n", cr_property_is_key (p) ? "[Key] " : "", p->name, value);
    }
  g_print ("};\n");
  return CR_CLI_EXIT_OK;
}

int
cr_cli_cmd_instance_put (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrClass) klass = NULL;
  g_autoptr (CrInstance) instance = NULL;
  g_autofree char *path = NULL;
  gboolean create_only = FALSE, update_only = FALSE;
  CrPutFlags flags = CR_PUT_FLAGS_NONE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    cr_cli_namespace_entry (cli),
    { "create-only", 0, 0, G_OPTION_ARG_NONE, &create_only, N_("Fail if the instance exists"), NULL },
    { "update-only", 0, 0, G_OPTION_ARG_NONE, &update_only, N_("Fail if the instance does not exist"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("CLASS PROPERTY=VALUE…"),
                     _("Create or update an instance of CLASS. Each value is read as its property's type:\n"
                       "numbers, true or false, text as it is, datetimes as DMTF datetimes, arrays as {a, b}.\n"
                       "Properties left out take the class's default."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, G_MAXUINT, &status))
    return status;
  if (create_only && update_only)
    return cr_cli_usage_error (cli, _("--create-only and --update-only exclude each other"));
  for (guint i = 1; i < args->len; i++)
    if (strchr (args->pdata[i], '=') == NULL)
      return cr_cli_usage_error (cli, _("“%s” is not PROPERTY=VALUE"), (const char *) args->pdata[i]);
  if (create_only)
    flags = CR_PUT_FLAGS_CREATE_ONLY;
  if (update_only)
    flags = CR_PUT_FLAGS_UPDATE_ONLY;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  klass = cr_client_get_class_sync (client, cr_cli_namespace (cli), args->pdata[0], NULL, &error);
  if (klass == NULL)
    return cr_cli_fail (error);

  instance = cr_instance_new (cr_class_get_name (klass));
  for (guint i = 1; i < args->len; i++)
    {
      g_auto (GStrv) pair = g_strsplit (args->pdata[i], "=", 2);
      CrProperty *p = cr_class_find_property (klass, pair[0]);
      g_autoptr (GVariant) value = NULL;

      if (p == NULL)
        {
          g_set_error (&error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("The class %s has no property “%s”"),
                       cr_class_get_name (klass), pair[0]);
          return cr_cli_fail (error);
        }
      value = cr_cim_value_parse (p->type, pair[1], &error);
      if (value == NULL)
        {
          g_prefix_error (&error, "%s: ", p->name);
          return cr_cli_fail (error);
        }
      cr_instance_set_property (instance, p->name, value);
    }
  path = cr_client_put_instance_sync (client, cr_cli_namespace (cli), instance, flags, NULL, &error);
  if (path == NULL)
    return cr_cli_fail (error);
  g_print ("%s\n", path);
  return CR_CLI_EXIT_OK;
}

int
cr_cli_cmd_instance_delete (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = { cr_cli_namespace_entry (cli), { NULL } };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("PATH"), _("Delete the instance at the object path PATH."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL || !cr_client_delete_instance_sync (client, cr_cli_namespace (cli), args->pdata[0], NULL, &error))
    return cr_cli_fail (error);
  return CR_CLI_EXIT_OK;
}
