{#- The pieces of ops/<op>_native.h that torchgen_mini/dest/native_functions.py renders. #}
{% macro declaration(users, signature) %}
// {{ users }}
{{ signature }};
{% endmacro %}
