package cn.egov.manager.arch.a;

/** Half of a planted circle ({@code PackageCyclesTest#theCheckSeesACircle}). */
public class A {
    public cn.egov.manager.arch.b.B b;
}
