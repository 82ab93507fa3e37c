namespace Nectar.Generator.Pipeline
{
    /// <summary>Names of the pipeline's steps, asserted by the incremental-caching tests.</summary>
    internal static class TrackingNames
    {
        public const string BtfPath = "BtfPath";
        public const string BtfStamp = "BtfStamp";
        public const string Btf = "Btf";
        public const string KernelTypes = "KernelTypes";
        public const string RawTracepoints = "RawTracepoints";
        public const string Tracepoints = "Tracepoints";
        public const string Prototypes = "Prototypes";
        public const string Formats = "Formats";
        public const string Request = "Request";
        public const string Emission = "Emission";
        public const string NeedsKernelPtr = "NeedsKernelPtr";
        public const string Skeletons = "Skeletons";
        public const string ObjectStamp = "ObjectStamp";
        public const string Object = "Object";
        public const string SkeletonEmission = "SkeletonEmission";
        public const string HasRuntime = "HasRuntime";
        public const string Locations = "Locations";
        public const string AttachPointCheck = "AttachPointCheck";
        public const string SupportNeeds = "SupportNeeds";
        public const string ReferencedSupport = "ReferencedSupport";
    }
}
