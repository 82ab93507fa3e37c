using System.Buffers.Binary;

namespace Nectar.Btf;

public sealed partial class Btf
{
    /// <summary>
    /// Checks that every type id a record refers to exists and every member and parameter name
    /// is inside the string section, so that later queries cannot run off the blob.
    /// </summary>
    private void ValidateReferences()
    {
        var checker = new ReferenceChecker(_data, LastTypeId, TotalStringLength);
        for (int index = 0; index < _typeOffsets.Length; index++)
        {
            checker.Owner = FirstTypeId + (uint)index;
            BtfRecord.VisitFields(_data, _typeOffsets[index], ref checker);
        }
    }

    private struct ReferenceChecker : IBtfFieldVisitor
    {
        private readonly byte[] _data;
        private readonly uint _lastId;
        private readonly uint _stringLimit;
        internal uint Owner;

        internal ReferenceChecker(byte[] data, uint lastId, uint stringLimit)
        {
            _data = data;
            _lastId = lastId;
            _stringLimit = stringLimit;
            Owner = 0;
        }

        public void Name(int at)
        {
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(new System.ReadOnlySpan<byte>(_data, at, 4));
            if (name >= _stringLimit)
                throw BtfException.At(at, $"type {Owner} has a name at string offset {name}, past the string section ({_stringLimit} bytes).");
        }

        public void TypeId(int at)
        {
            uint target = BinaryPrimitives.ReadUInt32LittleEndian(new System.ReadOnlySpan<byte>(_data, at, 4));
            if (target > _lastId)
                throw BtfException.At(at, $"type {Owner} refers to type id {target}, but the last id is {_lastId}.");
        }
    }
}
