using Nectar.Links;
using Nectar.Usdt;

namespace Nectar.Tests.Usdt;

/// <summary>usdt/BINARY:PROVIDER:NAME targets, and the error of an object without usdt.bpf.h's maps.</summary>
public class UsdtTargetTests
{
    [Theory]
    [InlineData("/usr/bin/python3:python:function__entry", "/usr/bin/python3", "python", "function__entry")]
    [InlineData("libc.so.6:libc:setjmp", "libc.so.6", "libc", "setjmp")]
    [InlineData("/opt/a:b/app:p:n", "/opt/a:b/app", "p", "n")]
    public void A_target_splits_into_binary_provider_and_name_from_the_right(string target, string binary, string provider, string name)
    {
        Assert.Equal((binary, provider, name), UsdtLink.ParseTarget(target));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("app:probe")]
    [InlineData(":p:n")]
    [InlineData("app::n")]
    [InlineData("app:p:")]
    public void A_target_without_three_parts_is_a_BadSyntax_error_with_an_example(string target)
    {
        var error = Assert.Throws<UsdtException>(() => UsdtLink.ParseTarget(target));
        Assert.Equal(UsdtProblem.BadSyntax, error.Problem);
        Assert.Contains("BINARY:PROVIDER:NAME", error.Message);
    }

    [Fact]
    public void An_object_without_usdt_bpf_h_maps_is_told_to_include_it()
    {
        var table = new UsdtSpecTable("plain.bpf.o", null, null, () => true);
        var error = Assert.Throws<UsdtException>(() => table.Add(new UsdtSpec([], 0)));
        Assert.Equal(UsdtProblem.SpecMaps, error.Problem);
        Assert.Contains("__bpf_usdt_specs", error.Message);
        Assert.Contains("#include <bpf/usdt.bpf.h>", error.Message);
        Assert.Contains("__bpf_usdt_ip_to_spec_id", Assert.Throws<UsdtException>(() => table.MapAddress(0x1000, 0)).Message);
    }
}
