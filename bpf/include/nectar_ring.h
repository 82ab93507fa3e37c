/* Naming the record type of a ring buffer, for Nectar's tools.
 *
 *   struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 256 * 1024); } events SEC(".maps");
 *   NECTAR_RING_RECORD(events, struct exec_event);
 *
 * A ring buffer map has no value type (the kernel refuses one), and clang puts into the object's
 * BTF only the types its globals and functions use, not those of local variables. This declares
 * a global pointer `__nectar_record_<map>` of the record type: it keeps the struct in BTF and
 * ties it to the map, so `nectar trace` prints the records field by field and a [BpfObject]
 * skeleton reads the ring buffer as that struct. It costs 8 bytes of
 * .bss and no instruction.
 */
#ifndef NECTAR_RING_H
#define NECTAR_RING_H

#define NECTAR_RING_RECORD_PREFIX "__nectar_record_"
#define NECTAR_RING_RECORD(map, type) const type *__nectar_record_##map __attribute__((unused))

#endif
