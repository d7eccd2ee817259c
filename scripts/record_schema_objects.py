"""Record the schema objects this version's migrations create (after adding a migration).

Run: ``python scripts/record_schema_objects.py`` (writes ``resources/database_objects.json``).
"""

from annotator.store.objects import write_schema_record

if __name__ == "__main__":
    write_schema_record()
    print("wrote resources/database_objects.json")
