{#- The pieces of RegisterSchema.cpp that torchgen_mini/dest/register_schema.py renders. #}
{#- `kit_tags` is zero or one comma-separated list of the kit-only tags. #}
{% macro schema_def(schema, tags, kit_tags) %}
m.def({{ schema }}, {{ tags }});{% for t in kit_tags %}  // kit-only tags: {{ t }}{% endfor %}

{% endmacro %}
